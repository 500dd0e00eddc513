/**
 * Parses attribute paths (`attributes=`, `excludedAttributes=`, `sortBy`, RFC 7644 §3.4.2.2
 * `attrPath`) and PATCH paths (RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`).
 *
 * Rules:
 * - `attr`, `attr.sub`, `urn:…:attr`, `urn:…:attr.sub`, `attr[filter]`, `attr[filter].sub`.
 * - A malformed path is `invalidPath`; a malformed filter inside the brackets is
 *   `invalidFilter`, which RFC 7644 §3.12 (Table 9) lists for "PATCH (Path Filter)".
 * - `attr.sub[filter]` is refused: the brackets select values of the attribute itself.
 */
import type { AttrPath, PatchPath } from './ast.js';
import { FilterParser } from './parse.js';

/** Parses one attribute path such as `name.givenName` or `urn:…:enterprise:2.0:User:manager.value`. */
export function parseAttributePath(input: string): AttrPath {
  const parser = new FilterParser(input, 'invalidPath');
  const path = parser.readPath('an attribute path such as userName or name.givenName');
  parser.expect('end', 'the end of the attribute path');
  return path;
}

/** Parses a PATCH operation's `path` (RFC 7644 §3.5.2). */
export function parsePatchPath(input: string): PatchPath {
  const parser = new FilterParser(input, 'invalidPath');
  const pathToken = parser.peek();
  const attrPath = parser.readPath(
    'an attribute path such as name.givenName or emails[type eq "work"].value',
  );
  if (parser.peek().kind !== '[') {
    parser.expect('end', 'the end of the path or "[" starting a value filter');
    return { attrPath };
  }
  if (attrPath.subAttribute !== undefined) {
    parser.fail(`"[" only after an attribute name, not after "${pathToken.text}"`);
  }
  parser.errorKind = 'invalidFilter';
  const valueFilter = parser.parseValueFilter();
  parser.errorKind = 'invalidPath';
  const after = parser.peek();
  if (
    after.kind === 'word' &&
    after.text.startsWith('.') &&
    /^\.(?:\$ref|[A-Za-z][\w-]*)$/.test(after.text)
  ) {
    parser.next();
    parser.expect('end', 'the end of the path after the sub-attribute');
    return { attrPath, valueFilter, subAttribute: after.text.slice(1) };
  }
  parser.expect('end', 'the end of the path or ".subAttribute" after "]"');
  return { attrPath, valueFilter };
}
