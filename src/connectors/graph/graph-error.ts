import { RosterError, type RosterErrorCode } from '../../errors.js';

/**
 * An error from Microsoft's side (token endpoint or Graph), translated once at our wrapper. `code`
 * is Roster's family code; `graphCode` is Microsoft's own (`AADSTS7000215`, `syncStateNotFound`,
 * `Authorization_RequestDenied`, `TooManyRequests`); `remedy` says what an admin can do about it.
 * The original error is kept as `cause`.
 */
export class GraphError extends RosterError {
  readonly graphCode: string;
  readonly httpStatus: number | undefined;
  readonly remedy: string | undefined;
  readonly requestId: string | undefined;

  constructor(
    code: RosterErrorCode,
    message: string,
    details: { graphCode: string; httpStatus?: number; remedy?: string; requestId?: string; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'GraphError';
    this.graphCode = details.graphCode;
    this.httpStatus = details.httpStatus;
    this.remedy = details.remedy;
    this.requestId = details.requestId;
  }

  /** Graph's answer when a delta token has expired or is unknown: the round starts over in full. */
  get isSyncStateLost(): boolean {
    return this.httpStatus === 410 || /syncStateNotFound|resyncRequired/i.test(this.graphCode);
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      graphCode: this.graphCode,
      message: this.message,
      ...(this.httpStatus === undefined ? {} : { httpStatus: this.httpStatus }),
      ...(this.remedy === undefined ? {} : { remedy: this.remedy }),
    };
  }
}

/** Builds a GraphError from a Graph HTTP error body (`{ error: { code, message } }`). */
export function graphErrorFromResponse(
  status: number,
  body: unknown,
  requestId: string | undefined,
): GraphError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const graphCode = typeof error?.code === 'string' ? error.code : `HTTP${status}`;
  const message = typeof error?.message === 'string' ? error.message : `Microsoft Graph answered ${status}`;
  const code: RosterErrorCode =
    status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : 'upstream';
  const remedy =
    status === 403
      ? 'Grant admin consent for the application permissions User.Read.All and Group.Read.All (or Directory.Read.All) in Entra: App registrations → API permissions → Grant admin consent.'
      : undefined;
  return new GraphError(code, `Microsoft Graph: ${message}`, {
    graphCode,
    httpStatus: status,
    ...(remedy === undefined ? {} : { remedy }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}
