import { RosterError } from '../../errors.js';
import { ScimProtocolError } from './filter/errors.js';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Every `scimType` of RFC 7644 §3.12, Table 9: an error with none of these meanings has none. */
export type RfcScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** The SCIM Error body of RFC 7644 §3.12: `status` is a string, `scimType` names the problem. */
export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: RfcScimType;
  detail?: string;
}

export function scimErrorBody(
  status: number,
  detail: string | undefined,
  scimType?: RfcScimType,
): ScimErrorBody {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    ...(scimType === undefined ? {} : { scimType }),
    ...(detail === undefined ? {} : { detail }),
  };
}

/**
 * Translates any error met while serving SCIM into the SCIM wire shape, once, here. Bad input
 * never becomes a 5xx: Fastify's own body errors are mapped to their SCIM meaning, and only
 * failures of our own are 500s, without details.
 */
export function toScimError(error: unknown): ScimErrorBody {
  if (error instanceof ScimProtocolError) return scimErrorBody(error.status, error.detail, error.scimType);
  if (error instanceof RosterError) {
    if (error.code === 'conflict') return scimErrorBody(409, error.message, 'uniqueness');
    if (error.code === 'invalid_input') return scimErrorBody(400, error.message, 'invalidValue');
    if (error.code === 'locked_by_directory') return scimErrorBody(409, error.message, 'mutability');
    // Not a conflict with an existing resource (which Entra would try to match): the organization
    // has no seat left, a refusal of the operation itself (RFC 7644 §3.12, 403).
    if (error.code === 'seat_limit_exceeded') return scimErrorBody(403, error.message);
    if (error.expose) return scimErrorBody(error.status, error.message);
    return scimErrorBody(500, 'Internal server error');
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // No scimType: RFC 7644 §3.12 defines none for 413 ("tooLarge" is not one of its values).
      return scimErrorBody(413, 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return scimErrorBody(415, 'Send SCIM requests as application/scim+json or application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return scimErrorBody(400, 'The request body is empty', 'invalidSyntax');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return scimErrorBody(400, 'The request body is not valid JSON', 'invalidSyntax');
  }
  if (error instanceof SyntaxError)
    return scimErrorBody(400, 'The request body is not valid JSON', 'invalidSyntax');
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return scimErrorBody(
      statusCode,
      (error as Error).message,
      statusCode === 400 ? 'invalidSyntax' : undefined,
    );
  }
  return scimErrorBody(500, 'Internal server error');
}

export const scimNotFound = (what: string) => new ScimProtocolError(`${what} not found`, { status: 404 });
