/**
 * The error tenant controls throw (`tenant.deleteUser('nope')` → `not_found`). The control routes
 * turn it into 404/409/400 JSON. Protocol errors (AADSTS, Graph) have their own wire shapes in
 * `login/aadsts-error.ts` and `graph/graph-error.ts`.
 *
 * The emulator keeps its own small error family instead of Roster's `RosterError`: it stands in
 * for Microsoft and must not depend on the application code it is used to test.
 */
export type EmulatorErrorCode = 'not_found' | 'conflict' | 'invalid_input';

const statusByCode: Record<EmulatorErrorCode, number> = { not_found: 404, conflict: 409, invalid_input: 400 };

export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;
  readonly status: number;

  constructor(code: EmulatorErrorCode, message: string) {
    super(message);
    this.name = 'EmulatorError';
    this.code = code;
    this.status = statusByCode[code];
  }
}

export const objectNotFound = (kind: string, idOrKey: string): EmulatorError =>
  new EmulatorError('not_found', `${kind} '${idOrKey}' does not exist in the emulated tenant`);
