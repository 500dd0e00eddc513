import assert from 'node:assert/strict';
import { ScimProtocolError } from '../../../../src/connectors/scim/filter/index.js';
import { type PatchResult, applyPatch } from '../../../../src/connectors/scim/patch/index.js';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type Operation = Record<string, unknown>;

export function patchBody(...operations: Operation[]): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function patchUser(
  resource: Record<string, unknown>,
  ...operations: Operation[]
): Record<string, unknown> {
  return applyPatch(resource, patchBody(...operations), 'User').resource;
}

export function patchGroup(resource: Record<string, unknown>, ...operations: Operation[]): PatchResult {
  return applyPatch(resource, patchBody(...operations), 'Group');
}

/** Asserts a 400 with the given scimType and a detail matching `message`. */
export function assertScimError(run: () => unknown, scimType: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ScimProtocolError, `expected ScimProtocolError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
    assert.match(error.detail, message);
    return true;
  });
}

export function sampleUser(): Record<string, unknown> {
  return {
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'bjensen',
    userName: 'bjensen@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    displayName: 'Babs Jensen',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z' },
  };
}
