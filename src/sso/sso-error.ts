/**
 * Why a portal sign-in failed. The code is stable (tests and logs key on it); the message is what
 * the person signing in reads on the error page, so it names the remedy and never a secret.
 */
export type SsoErrorCode =
  | 'sso_not_configured'
  | 'sign_in_expired'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'tenant_mismatch'
  | 'unknown_user'
  | 'user_inactive'
  | 'no_portal_role'
  | 'link_invalid'
  | 'provider_error';

export class SsoError extends Error {
  readonly code: SsoErrorCode;

  constructor(code: SsoErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SsoError';
    this.code = code;
  }
}
