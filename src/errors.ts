/**
 * One error family for Roster. Every error carries a stable `code`; protocol layers (SCIM, REST API,
 * OAuth) translate these once, at their boundary, into their own wire shape. Details reach clients
 * only for 4xx errors (`expose`).
 */
export type RosterErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'gone'
  | 'locked_by_directory'
  | 'seat_limit_exceeded'
  | 'upstream'
  | 'internal';

const statusByCode: Record<RosterErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  gone: 410,
  locked_by_directory: 409,
  seat_limit_exceeded: 409,
  upstream: 502,
  internal: 500,
};

export interface RosterErrorOptions {
  cause?: unknown;
  /** The attribute or setting the error is about, e.g. `name.givenName` or `PORT`. */
  field?: string;
}

export class RosterError extends Error {
  readonly code: RosterErrorCode;
  readonly status: number;
  readonly field: string | undefined;

  constructor(code: RosterErrorCode, message: string, options: RosterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RosterError';
    this.code = code;
    this.status = statusByCode[code];
    this.field = options.field;
  }

  /** Whether the message may be shown to a client: never for server-side failures. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export const notFound = (what: string) => new RosterError('not_found', `${what} was not found`);
/** `cause`: the database error behind it, when a unique index refused a write (see unique-violation.ts). */
export const conflict = (message: string, field?: string, cause?: unknown) =>
  new RosterError('conflict', message, {
    ...(field === undefined ? {} : { field }),
    ...(cause === undefined ? {} : { cause }),
  });
export const invalidInput = (message: string, field?: string) =>
  new RosterError('invalid_input', message, field === undefined ? {} : { field });
