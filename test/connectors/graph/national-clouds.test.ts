import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import { graphClouds, type GraphCloud } from '../../../src/connectors/graph/clouds.js';

/**
 * Each cloud's login host is one MSAL knows by heart: it posts straight to the host's token
 * endpoint, with no instance or OpenID discovery on the way (which, for China's alias
 * login.chinacloudapi.cn, answers with an issuer on another host). MSAL's network is recorded
 * here, as no Microsoft cloud is reachable from the tests.
 */
const tenantId = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/** MSAL adds a fresh `client-request-id` to each request. */
const withoutQuery = (url: string): string => url.split('?')[0] ?? url;

function recordingNetwork(requests: string[]): INetworkModule {
  const answer = <T>(body: unknown): NetworkResponse<T> => ({ headers: {}, body: body as T, status: 200 });
  return {
    sendGetRequestAsync: <T>(url: string) => {
      requests.push(`GET ${withoutQuery(url)}`);
      return Promise.resolve(answer<T>({}));
    },
    sendPostRequestAsync: <T>(url: string) => {
      requests.push(`POST ${withoutQuery(url)}`);
      return Promise.resolve(
        answer<T>({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'token' }),
      );
    },
  };
}

describe('national clouds', () => {
  test("China's login host is Entra's partner host; its Graph host is unchanged", () => {
    assert.deepEqual(graphClouds.china, {
      loginUrl: 'https://login.partner.microsoftonline.cn',
      graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    });
  });

  for (const cloud of Object.keys(graphClouds) as GraphCloud[]) {
    test(`MSAL knows the ${cloud} login host and asks only its token endpoint`, async () => {
      const { loginUrl, graphUrl } = graphClouds[cloud];
      const requests: string[] = [];
      const app = new ConfidentialClientApplication({
        auth: {
          clientId: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
          clientSecret: 'secret',
          authority: `${loginUrl}/${tenantId}`,
        },
        system: { networkClient: recordingNetwork(requests) },
      });
      const result = await app.acquireTokenByClientCredential({ scopes: [`${graphUrl}/.default`] });
      assert.equal(result?.accessToken, 'token');
      assert.deepEqual(requests, [`POST ${loginUrl}/${tenantId}/oauth2/v2.0/token`]);
    });
  }
});
