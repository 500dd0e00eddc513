/**
 * The emulator's sign-in page: a list of tenant users, one button each, plus a field for any
 * user principal name. No passwords: this is a test tenant. Every authorize parameter is carried
 * in hidden fields, so the POST back to `/authorize` continues the same request.
 */
import { escapeHtml } from '../http-io.js';

export interface SignInPageUser {
  userPrincipalName: string;
  displayName: string;
}

export function signInPage(
  params: URLSearchParams,
  users: readonly SignInPageUser[],
  notice: string | null,
): string {
  const hidden = [...params]
    .filter(([name]) => name !== 'login')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const buttons = users
    .map(
      (u) =>
        `<li><button type="submit" name="login" value="${escapeHtml(u.userPrincipalName)}">${escapeHtml(u.displayName)} <small>${escapeHtml(u.userPrincipalName)}</small></button></li>`,
    )
    .join('\n        ');
  const hint = params.get('login_hint') ?? '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto}ul{list-style:none;padding:0}
li{margin:.3rem 0}button{width:100%;text-align:left;padding:.5rem}small{color:#555;display:block}</style></head>
<body>
  <h1>Sign in</h1>
  <p>Entra emulator — pick a user of the emulated tenant.</p>
  ${notice === null ? '' : `<p role="alert">${escapeHtml(notice)}</p>`}
  <form method="post" id="sign-in">
      ${hidden}
      <ul>
        ${buttons}
      </ul>
      <label>Or sign in as <input name="login" id="login" type="email" value="${escapeHtml(hint)}" autocomplete="username"></label>
      <button type="submit" id="submit-login">Sign in</button>
  </form>
</body>
</html>`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p id="error">${escapeHtml(message)}</p></body></html>`;
}

/** `response_mode=form_post`: an auto-submitting form to the redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
