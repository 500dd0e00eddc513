/**
 * Errors of the Microsoft identity platform token and authorize endpoints, in Entra's wire shape:
 *
 *   { "error": "invalid_client",
 *     "error_description": "AADSTS7000215: Invalid client secret provided. …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: 2023-06-02 21:00:26Z",
 *     "error_codes": [7000215], "timestamp": "2023-06-02 21:00:26Z", "trace_id": "…",
 *     "correlation_id": "…", "error_uri": "https://login.microsoftonline.com/error?code=7000215" }
 *
 * `error` is the RFC 6749 §5.2 code; `error_codes` carries the AADSTS number clients branch on.
 * Messages follow the texts Entra returns (AADSTS error code reference and observed responses).
 */
import type { RequestContext } from '../http-io.js';
import { sendJson } from '../http-io.js';

export class AadstsError extends Error {
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;
  /** Extra response headers, e.g. `Retry-After` on an injected 503. */
  readonly headers: Record<string, string> = {};

  constructor(status: number, error: string, aadsts: number, message: string) {
    super(`AADSTS${aadsts}: ${message}`);
    this.name = 'AadstsError';
    this.status = status;
    this.error = error;
    this.aadsts = aadsts;
  }
}

/** Entra's timestamp format in error bodies: "2023-06-02 21:00:26Z". */
export const aadTimestamp = (date: Date): string =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');

export function aadstsBody(err: AadstsError, ctx: RequestContext, now: Date): Record<string, unknown> {
  const timestamp = aadTimestamp(now);
  const correlationId = ctx.clientRequestId ?? ctx.requestId;
  return {
    error: err.error,
    error_description: `${err.message}\r\nTrace ID: ${ctx.requestId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: ctx.requestId,
    correlation_id: correlationId,
    error_uri: `${ctx.origin}/error?code=${err.aadsts}`,
  };
}

export function sendAadstsError(ctx: RequestContext, err: AadstsError, now: Date): void {
  sendJson(ctx, err.status, aadstsBody(err, ctx, now), { 'x-ms-request-id': ctx.requestId, ...err.headers });
}

/** The errors the emulator raises, by AADSTS number. */
export const aadsts = {
  tenantNotFound: (tenant: string) =>
    new AadstsError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) =>
    new AadstsError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unsupportedGrantType: () =>
    new AadstsError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.'),
  applicationNotFound: (clientId: string, tenant: string) =>
    new AadstsError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidClientSecret: (clientId: string) =>
    new AadstsError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  expiredClientSecret: (clientId: string) =>
    new AadstsError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    ),
  missingCredential: () =>
    new AadstsError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  assertionSignature: (reason: string) =>
    new AadstsError(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation. [Reason - ${reason}]`,
    ),
  assertionTimeRange: () =>
    new AadstsError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  assertionClientMismatch: () =>
    new AadstsError(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    ),
  invalidJwt: (reason: string) =>
    new AadstsError(401, 'invalid_client', 50027, `Invalid JWT token. ${reason}`),
  nonDefaultScope: (scope: string) =>
    new AadstsError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidScope: (scope: string) =>
    new AadstsError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    new AadstsError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  redirectUriMismatch: (redirectUri: string, clientId: string) =>
    new AadstsError(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  pkceRequired: () =>
    new AadstsError(
      400,
      'invalid_request',
      9002325,
      'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
    ),
  pkceMethod: () =>
    new AadstsError(
      400,
      'invalid_request',
      50147,
      'The code_challenge_method is not supported. Supported values: S256.',
    ),
  codeVerifierMismatch: () =>
    new AadstsError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  codeInvalid: () =>
    new AadstsError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  codeRedeemed: () =>
    new AadstsError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  userDisabled: () => new AadstsError(400, 'invalid_grant', 50057, 'The user account is disabled.'),
  userNotFound: (login: string, tenant: string) =>
    new AadstsError(
      400,
      'invalid_grant',
      50034,
      `The user account ${login} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`,
    ),
};
