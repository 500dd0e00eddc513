import type { FastifyInstance } from 'fastify';

/**
 * How deep a request body may nest. SCIM resources and API bodies go four or five levels deep
 * (an extension, its manager, its value); a body nested thousands of levels deep is an attack on
 * the recursive code that later walks or serializes it, and is refused before any of it runs.
 */
export const maxJsonDepth = 32;

/** A JSON body Roster will not take; the scope's error handler renders it in its own format. */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'ROSTER_JSON_BODY';
}

/**
 * The JSON body parser of the SCIM and API scopes: Fastify's own parser (prototype poisoning
 * refused), plus two rules it lacks.
 * - An empty body is no body. Clients, Entra's provisioning service among them, send
 *   `Content-Type: application/scim+json` on DELETE too; Fastify refuses an empty JSON body with
 *   400 whatever the route. A route that needs a body refuses `undefined` itself.
 * - Nesting deeper than `maxJsonDepth` is refused with 400.
 */
export function registerJsonBodyParser(
  app: FastifyInstance,
  contentTypes: string[],
  bodyLimit: number,
): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  for (const type of contentTypes) if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  app.addContentTypeParser(contentTypes, { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error) done(error, undefined);
      else if (depthOf(value) > maxJsonDepth)
        done(new JsonBodyError(`The request body nests deeper than ${maxJsonDepth} levels`), undefined);
      // JSON text can only hold a NUL as the escape; the walk runs only when that text is there.
      else if (text.includes('\\u0000') && holdsNul(value))
        done(
          new JsonBodyError(
            'The request body contains a NUL character (\\u0000), which no attribute can hold',
          ),
          undefined,
        );
      else done(null, value);
    });
  });
}

/**
 * Whether a parsed JSON value holds U+0000 in a string or a name. PostgreSQL cannot store it in
 * text, so such a body would fail there with a 500 while SQLite took it: refused on both, alike.
 */
function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Nesting depth of a parsed JSON value, walked without recursion so depth cannot overflow the stack. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > maxJsonDepth) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, level]);
  }
  return deepest;
}
