import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The portal's cookies. Over https they take the `__Host-` prefix, which browsers accept only
 * with Secure, Path=/ and no Domain, so no sibling host can plant or read them.
 * - session: httpOnly (scripts never see it), SameSite=Lax (sent on the top-level redirect back
 *   from Entra, never on cross-site subrequests or form posts);
 * - csrf: readable by the portal's script, which echoes it in the `x-csrf-token` header on every
 *   change; a cross-site page can neither read it nor set the header (double submit);
 * - sign-in: ties Entra's callback to the browser that started the sign-in (login CSRF).
 */
export const csrfHeader = 'x-csrf-token';

export interface CookieNames {
  session: string;
  csrf: string;
  signIn: string;
}

export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return {
    session: `${prefix}roster_session`,
    csrf: `${prefix}roster_csrf`,
    signIn: `${prefix}roster_sign_in`,
  };
}

export function isSecure(publicUrl: string): boolean {
  return publicUrl.startsWith('https:');
}

export function readCookies(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie;
  return header ? parseCookieHeader(header) : {};
}

export function setCookie(
  reply: FastifyReply,
  secure: boolean,
  name: string,
  value: string,
  options: { httpOnly: boolean; maxAgeSeconds: number },
): void {
  const cookie = serializeCookie(name, value, {
    path: '/',
    httpOnly: options.httpOnly,
    secure,
    sameSite: 'lax',
    maxAge: options.maxAgeSeconds,
  });
  appendSetCookie(reply, cookie);
}

export function clearCookie(reply: FastifyReply, secure: boolean, name: string, httpOnly: boolean): void {
  appendSetCookie(
    reply,
    serializeCookie(name, '', { path: '/', httpOnly, secure, sameSite: 'lax', maxAge: 0 }),
  );
}

// Fastify's `reply.header` appends to set-cookie instead of replacing it, so each cookie is passed
// alone: passing the list so far would send every earlier cookie again.
function appendSetCookie(reply: FastifyReply, cookie: string): void {
  void reply.header('set-cookie', cookie);
}

/**
 * Cookie header parsing and Set-Cookie writing (RFC 6265 §4.1, §5.4), by hand: our values are
 * base64url, so no encoding is needed, and @fastify/cookie's helpers only work once its plugin
 * has loaded its parser, which the REST API's scope never does.
 */
export function parseCookieHeader(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // The first occurrence wins: browsers send the most specific path first.
    if (!(name in cookies)) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

function serializeCookie(
  name: string,
  value: string,
  options: { path: string; httpOnly: boolean; secure: boolean; sameSite: 'lax'; maxAge: number },
): string {
  const attributes = [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAge}`,
    'SameSite=Lax',
  ];
  if (options.httpOnly) attributes.push('HttpOnly');
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}
