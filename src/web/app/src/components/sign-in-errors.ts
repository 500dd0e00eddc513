/**
 * What the sign-in page says when a sign-in with Microsoft failed. Roster sends the person back to
 * /sign-in?error=<code>; the page shows only these texts, chosen by the code, and never text
 * from the address: anyone can craft a link to the real sign-in page, and it must not carry
 * their words. The codes are src/sso/sso-error.ts's; each text says what to do about it.
 */
const signInErrors: Readonly<Record<string, string>> = {
  sso_not_configured:
    'Sign-in with Microsoft is not set up for this organization. Check the organization name you entered; if it is right, an admin of your organization must set it up under SSO in this portal first.',
  sign_in_expired:
    'This sign-in took longer than 10 minutes, or was started in another browser or tab. Start again from this page, in this browser.',
  state_mismatch:
    'The answer from Microsoft does not belong to the sign-in started in this browser (an old or copied link, perhaps). Start again from this page.',
  issuer_mismatch:
    'The answer came from another Microsoft directory or cloud than the one set up for this organization. An admin should check the Directory (tenant) ID and cloud under SSO.',
  tenant_mismatch:
    'This Microsoft account belongs to another directory (tenant). Sign in again with your account in this organization\'s directory (choose "Use another account" at Microsoft), or ask an admin to check the Directory (tenant) ID under SSO.',
  unknown_user:
    'Your Microsoft account is not a user of this organization yet. Ask an admin to sync or add you, then sign in again.',
  user_inactive:
    'Your account is not active in this organization. Ask an admin to reactivate it (or, if it comes from Entra, to enable it there and sync), then sign in again.',
  no_portal_role:
    'Your account has no role that opens the portal. Ask an admin to give you the ReadOnly, User, Admin or EnterpriseAdmin role (an app role in Entra, or a group the policy maps to a role), then sign in again.',
  link_invalid:
    'This sign-in link was already used or has expired. Ask the operator of this Roster for a new one (npx roster admin link).',
  provider_error:
    "Microsoft did not complete the sign-in: it was cancelled, or Entra refused it (the app may need an admin's consent, or your account may not be assigned to it). Try again; if it keeps failing, an admin should check the application under SSO and in Entra.",
};

export const genericSignInError = 'Sign-in failed; try again.';

/** The text for an error code from the address, or undefined when there is none. */
export function signInErrorText(code: string | null): string | undefined {
  if (code === null || code === '') return undefined;
  return Object.hasOwn(signInErrors, code) ? signInErrors[code] : genericSignInError;
}
