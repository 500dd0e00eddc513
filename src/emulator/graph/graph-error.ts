/**
 * Microsoft Graph's error shape ("Microsoft Graph error responses and resource types"):
 *
 *   { "error": { "code": "Request_ResourceNotFound", "message": "…",
 *                "innerError": { "date": "2021-05-18T19:03:10", "request-id": "…", "client-request-id": "…" } } }
 *
 * Codes are the ones Graph's directory endpoints return (documented examples quoted per helper).
 */
import type { RequestContext } from '../http-io.js';
import { sendJson } from '../http-io.js';

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Graph's `date` in innerError: UTC, second precision, no zone letter. */
export const graphDate = (date: Date): string => date.toISOString().slice(0, 19);

export function sendGraphError(ctx: RequestContext, err: GraphError, now: Date): void {
  const inner: Record<string, string> = {
    date: graphDate(now),
    'request-id': ctx.requestId,
    'client-request-id': ctx.clientRequestId ?? ctx.requestId,
  };
  // The throttling sample in "Microsoft Graph throttling guidance" adds code/message/status.
  const innerError =
    err.status === 429 ? { code: '429', ...inner, message: 'Please retry after', status: '429' } : inner;
  sendJson(ctx, err.status, { error: { code: err.code, message: err.message, innerError } }, err.headers);
}

const graphWwwAuthenticate =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const graphErrors = {
  invalidToken: (message: string) =>
    new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': graphWwwAuthenticate }),
  /** "Insufficient privileges to complete the operation." — missing application permission. */
  accessDenied: () =>
    new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  notFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  badRequest: (message: string) => new GraphError(400, 'BadRequest', message),
  requestBadRequest: (message: string) => new GraphError(400, 'Request_BadRequest', message),
  unsupportedQuery: (message = 'Unsupported Query.') =>
    new GraphError(400, 'Request_UnsupportedQuery', message),
  /** aad-advanced-queries: $search without `ConsistencyLevel: eventual`. */
  searchNeedsConsistencyLevel: () =>
    new GraphError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ),
  /** aad-advanced-queries: the `$count` segment without `ConsistencyLevel: eventual`. */
  countNeedsConsistencyLevel: () =>
    new GraphError(400, 'Request_BadRequest', '$count is not currently supported.'),
  segmentNotFound: (segment: string) =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: () =>
    new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  expiredPageToken: () =>
    new GraphError(
      400,
      'Directory_ExpiredPageToken',
      'The specified page token value has expired and can no longer be included in your request.',
    ),
  throttled: (retryAfterSeconds: number | null, headers: Record<string, string> = {}) =>
    new GraphError(429, 'TooManyRequests', 'Please retry again later.', {
      ...headers,
      ...(retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) }),
    }),
  injected: (status: 500 | 503 | 504, retryAfterSeconds: number | null) =>
    new GraphError(
      status,
      status === 500 ? 'generalException' : 'serviceNotAvailable',
      status === 500
        ? 'An unspecified error has occurred.'
        : 'The service is not available. Try the request again after a delay.',
      retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) },
    ),
};
