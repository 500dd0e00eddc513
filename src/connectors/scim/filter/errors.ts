/**
 * The one error the pure SCIM filter and PATCH engine throws for bad client input.
 *
 * It carries the wire facts of an RFC 7644 §3.12 error (`status`, `scimType`, `detail`) but no
 * wire shape: the SCIM routes map it to the `urn:ietf:params:scim:api:messages:2.0:Error` body.
 * Every instance is a client error (4xx), so its detail may be shown to the client.
 */

/** The `scimType` values of RFC 7644 §3.12, Table 9, that this engine can produce. */
export type ScimType =
  'invalidFilter' | 'invalidPath' | 'invalidSyntax' | 'invalidValue' | 'mutability' | 'noTarget' | 'tooMany';

export interface ScimProtocolErrorOptions {
  readonly status?: number;
  readonly scimType?: ScimType;
  /** Offset (0-based) into the filter or path text where the problem was found. */
  readonly position?: number;
  readonly cause?: unknown;
}

export class ScimProtocolError extends Error {
  /** HTTP status; the wire format sends it as a string (RFC 7644 §3.12). */
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Human-readable detail, safe to show to the client. */
  readonly detail: string;
  readonly position: number | undefined;

  constructor(detail: string, options: ScimProtocolErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScimProtocolError';
    this.status = options.status ?? 400;
    this.scimType = options.scimType;
    this.detail = detail;
    this.position = options.position;
  }

  /** Every error of this class describes the client's input, never our internals. */
  get expose(): boolean {
    return this.status < 500;
  }
}

/**
 * A filter or path that does not follow the RFC 7644 §3.4.2.2 grammar, or that the schema
 * cannot evaluate (e.g. `gt` on a boolean). `scimType` is `invalidFilter` for filters and
 * `invalidPath` for attribute and PATCH paths.
 */
export class ScimFilterError extends ScimProtocolError {
  constructor(
    detail: string,
    scimType: 'invalidFilter' | 'invalidPath' = 'invalidFilter',
    position?: number,
  ) {
    super(detail, position === undefined ? { scimType } : { scimType, position });
    this.name = 'ScimFilterError';
  }
}

/** Shorthand for the PATCH engine's 400 errors. */
export function scimBadRequest(scimType: ScimType, detail: string, cause?: unknown): ScimProtocolError {
  return new ScimProtocolError(detail, cause === undefined ? { scimType } : { scimType, cause });
}
