/**
 * `$search` on directory objects ("Use the $search query parameter", aad-advanced-queries):
 * `$search="displayName:fin"`, clauses quoted, combined with AND / OR (AND binds tighter).
 * Only with `ConsistencyLevel: eventual` (checked by the caller). Matching: displayName and
 * description are tokenized (see `tokens`) and a clause matches when a token starts with the
 * term; other properties match when the value starts with it.
 */
import { graphErrors } from './graph-error.js';
import type { ResourceSpec } from './resource-shapes.js';

export interface SearchClause {
  property: string;
  term: string;
  mode: 'tokenized' | 'prefix';
}

/** OR of ANDs of clauses. */
export type SearchExpr = SearchClause[][];

export function parseSearch(raw: string, resource: ResourceSpec): SearchExpr {
  const text = raw.trim();
  const pattern = /"([^"]*)"|\s+(AND|OR)\s+/gy;
  const any: SearchExpr = [[]];
  let position = 0;
  let expectClause = true;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match)
      throw graphErrors.badRequest(
        `Syntax error: character '${text[position]}' is not valid at position ${position} in '${text}'.`,
      );
    position = pattern.lastIndex;
    if (match[1] !== undefined) {
      if (!expectClause)
        throw graphErrors.badRequest(`Syntax error in '${text}': clauses must be joined by AND or OR.`);
      const clause = match[1];
      const colon = clause.indexOf(':');
      if (colon <= 0)
        throw graphErrors.badRequest(`Invalid search clause '${clause}': expected "property:term".`);
      const name = clause.slice(0, colon);
      const spec = resource.properties.get(name.toLowerCase());
      if (!spec?.search)
        throw graphErrors.badRequest(
          `Property '${name}' is not supported in $search on ${resource.entitySet}.`,
        );
      any[any.length - 1]!.push({
        property: spec.name,
        term: clause.slice(colon + 1).toLowerCase(),
        mode: spec.search,
      });
      expectClause = false;
    } else {
      if (expectClause) throw graphErrors.badRequest(`Syntax error in '${text}'.`);
      if (match[2] === 'OR') any.push([]);
      expectClause = true;
    }
  }
  if (expectClause) throw graphErrors.badRequest(`Syntax error in '${text}'.`);
  return any;
}

/**
 * The words of a tokenized property ("Use the $search query parameter", directory objects): split
 * on spaces, symbols, lower-to-upper case changes and between letters and digits (`hello123world`
 * is hello, 123, world); words joined by symbols alone also form one word (`hello-world` and
 * `hello.world` are found by `helloworld`).
 */
function tokens(value: string, joined = true): string[] {
  const words: string[] = [];
  for (const chunk of value.split(/\s+/)) {
    const parts = chunk
      .replace(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu, ' ')
      .toLowerCase()
      .split(/[^\p{L}\p{M}\p{N}]+/u)
      .filter((t) => t !== '');
    words.push(...parts);
    const symbolJoined = chunk
      .toLowerCase()
      .split(/[^\p{L}\p{M}\p{N}]+/u)
      .filter((t) => t !== '');
    if (joined && symbolJoined.length > 1) words.push(symbolJoined.join(''));
  }
  return words;
}

function clauseMatches(clause: SearchClause, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => {
    if (typeof v !== 'string') return false;
    if (clause.mode === 'prefix') return v.toLowerCase().startsWith(clause.term);
    const words = tokens(v);
    return tokens(clause.term, false).every((term) => words.some((w) => w.startsWith(term)));
  });
}

export function matchesSearch<T>(search: SearchExpr, resource: ResourceSpec<T>, record: T): boolean {
  return search.some((all) =>
    all.every((clause) => clauseMatches(clause, resource.value(record, clause.property))),
  );
}
