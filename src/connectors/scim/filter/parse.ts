/**
 * Parses SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2) into the typed tree of ast.ts.
 *
 * Hand-written rather than taken from `scim2-parse-filter` because we need: PATCH paths with a
 * sub-attribute after the value path (`members[value eq "1"].display`, which that package cannot
 * parse); Entra's filter `emails[type eq "work"].value eq "x"`; errors that name the position
 * and token and carry the right `scimType`; and hard limits on length and nesting so hostile
 * input cannot exhaust the stack.
 *
 * Grammar (precedence: not > and > or; keywords and operators case-insensitive):
 *   filter    = or
 *   or        = and *("or" and)
 *   and       = unary *("and" unary)
 *   unary     = "not" "(" filter ")" / "(" filter ")" / attrExp / valuePath
 *   attrExp   = attrPath ("pr" / compareOp compValue)
 *   valuePath = attrPath "[" valFilter "]"  ; valFilter: same rules over sub-attribute names,
 *                                           ; without nested value paths (RFC 7644 errata 4690)
 */
import {
  type AttrPath,
  type CompValue,
  type CompareOperator,
  type Filter,
  COMPARE_OPERATORS,
} from './ast.js';
import { ScimFilterError } from './errors.js';
import { type ErrorKind, type Token, tokenize } from './tokenize.js';
import { canonicalSchemaUrn } from '../schema/attribute-schema.js';

/** Parentheses, `not` and brackets nested deeper than this are refused (invalidFilter). */
export const MAX_FILTER_DEPTH = 32;

const ATTRNAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[A-Za-z0-9._$-]+)+$/i;
const OPERATOR_LIST = `${COMPARE_OPERATORS.join(', ')} or pr`;

/**
 * Reads `[URI ":"] ATTRNAME ["." subAttr]`; returns undefined when `text` is not of that form.
 * The URI is everything before the last colon: URNs hold dots (`2.0`) but attribute names don't.
 */
export function readAttrPath(text: string): AttrPath | undefined {
  const colon = text.lastIndexOf(':');
  const uri = colon < 0 ? undefined : text.slice(0, colon);
  if (uri !== undefined && !URN.test(uri)) return undefined;
  const names = text.slice(colon + 1).split('.');
  const [attribute, subAttribute, ...rest] = names;
  if (attribute === undefined || rest.length > 0 || !names.every((name) => ATTRNAME.test(name))) {
    return undefined;
  }
  return {
    ...(uri === undefined ? {} : { uri: canonicalSchemaUrn(uri) }),
    attribute,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  };
}

export class FilterParser {
  readonly #tokens: Token[];
  #index = 0;
  #depth = 0;
  #errorKind: ErrorKind;

  constructor(input: string, errorKind: ErrorKind) {
    this.#errorKind = errorKind;
    this.#tokens = tokenize(input, errorKind);
  }

  get errorKind(): ErrorKind {
    return this.#errorKind;
  }

  set errorKind(kind: ErrorKind) {
    this.#errorKind = kind;
  }

  peek(): Token {
    // tokenize always ends with an `end` token, and we never move past it.
    return this.#tokens[this.#index] ?? this.#tokens[this.#tokens.length - 1]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.#index += 1;
    return token;
  }

  fail(expected: string, token: Token = this.peek()): never {
    return this.failWith(`expected ${expected}, found ${describe(token)}`, token);
  }

  failWith(problem: string, token: Token = this.peek()): never {
    const noun = this.#errorKind === 'invalidFilter' ? 'filter' : 'path';
    throw new ScimFilterError(
      `Invalid ${noun} at position ${token.position}: ${problem}`,
      this.#errorKind,
      token.position,
    );
  }

  expect(kind: Token['kind'], expected: string): Token {
    return this.peek().kind === kind ? this.next() : this.fail(expected);
  }

  isKeyword(word: string, token: Token = this.peek()): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  /** `or`, the loosest-binding rule; `inValue` restricts paths to sub-attribute names. */
  parseFilter(inValue: boolean): Filter {
    const filters = [this.#parseAnd(inValue)];
    while (this.isKeyword('or')) {
      this.next();
      filters.push(this.#parseAnd(inValue));
    }
    return filters.length === 1 ? filters[0]! : { kind: 'or', filters };
  }

  #parseAnd(inValue: boolean): Filter {
    const filters = [this.#parseUnary(inValue)];
    while (this.isKeyword('and')) {
      this.next();
      filters.push(this.#parseUnary(inValue));
    }
    return filters.length === 1 ? filters[0]! : { kind: 'and', filters };
  }

  #parseUnary(inValue: boolean): Filter {
    if (this.isKeyword('not')) {
      this.next();
      const opening = this.expect('(', '"(" after "not" (RFC 7644 §3.4.2.2: not ( filter ))');
      const filter = this.#nested(opening, () => this.parseFilter(inValue));
      this.expect(')', '")" closing "not ("');
      return { kind: 'not', filter };
    }
    if (this.peek().kind === '(') {
      const opening = this.next();
      const filter = this.#nested(opening, () => this.parseFilter(inValue));
      this.expect(')', '")" or a logical operator (and, or)');
      return filter;
    }
    return this.#parseAttributeExpression(inValue);
  }

  #parseAttributeExpression(inValue: boolean): Filter {
    const pathToken = this.peek();
    const path = this.readPath(inValue ? 'a sub-attribute name' : 'an attribute path');
    if (inValue && (path.uri !== undefined || path.subAttribute !== undefined)) {
      this.fail('a plain sub-attribute name inside "[ ]", such as type or value', pathToken);
    }
    if (this.peek().kind === '[') {
      if (inValue) this.fail('a comparison; value paths cannot be nested (RFC 7644 errata 4690)');
      if (path.subAttribute !== undefined)
        this.fail(`"[" only after an attribute name, not "${pathToken.text}"`);
      const filter = this.parseValueFilter();
      if (this.peek().kind === 'word' && this.peek().text.startsWith('.')) {
        return this.#parseEntraSubAttributeComparison(path, filter);
      }
      return { kind: 'valuePath', path, filter };
    }
    return this.#parseOperatorAndValue(path, pathToken);
  }

  /** `"[" valFilter "]"`, with the opening bracket still to be read. */
  parseValueFilter(): Filter {
    const opening = this.expect('[', '"["');
    const filter = this.#nested(opening, () => this.parseFilter(true));
    this.expect(']', '"]" or a logical operator (and, or)');
    return filter;
  }

  /**
   * Entra queries users by `emails[type eq "work"].value eq "x"` (entra.md, "Queries"), which
   * RFC 7644's filter grammar does not allow. It means "some email of type work has value x",
   * so it becomes `emails[type eq "work" and value eq "x"]`.
   */
  #parseEntraSubAttributeComparison(path: AttrPath, filter: Filter): Filter {
    const subToken = this.next();
    const subAttribute = subToken.text.slice(1);
    if (!ATTRNAME.test(subAttribute)) this.fail('a sub-attribute name after "]."', subToken);
    const comparison = this.#parseOperatorAndValue({ attribute: subAttribute }, subToken);
    return { kind: 'valuePath', path, filter: { kind: 'and', filters: [filter, comparison] } };
  }

  #parseOperatorAndValue(path: AttrPath, pathToken: Token): Filter {
    const operatorToken = this.peek();
    const operator = operatorToken.kind === 'word' ? operatorToken.text.toLowerCase() : '';
    if (operator === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (!(COMPARE_OPERATORS as readonly string[]).includes(operator)) {
      this.fail(`an operator (${OPERATOR_LIST}) after "${pathToken.text}"`);
    }
    this.next();
    const value = this.#readCompValue();
    return { kind: 'comparison', path, operator: operator as CompareOperator, value };
  }

  #readCompValue(): CompValue {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.next();
      return token.value ?? null;
    }
    // JSON literals are lowercase (RFC 8259 §3); operators are the only case-insensitive words.
    const literals: Record<string, CompValue> = { true: true, false: false, null: null };
    if (token.kind === 'word' && Object.hasOwn(literals, token.text)) {
      this.next();
      return literals[token.text] ?? null;
    }
    return this.fail('a value: a "quoted string", a number, true, false or null');
  }

  /** Reads one attribute path word, failing with `expected` when it is missing or malformed. */
  readPath(expected: string): AttrPath {
    const token = this.peek();
    const path = token.kind === 'word' ? readAttrPath(token.text) : undefined;
    if (path === undefined) return this.fail(expected);
    this.next();
    return path;
  }

  /** Parses inside `opening`, refusing to go deeper than MAX_FILTER_DEPTH. */
  #nested<T>(opening: Token, parse: () => T): T {
    this.#depth += 1;
    if (this.#depth > MAX_FILTER_DEPTH) {
      this.failWith(
        `parentheses, "not" and "[ ]" are nested more than ${MAX_FILTER_DEPTH} levels deep`,
        opening,
      );
    }
    const result = parse();
    this.#depth -= 1;
    return result;
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the input' : JSON.stringify(token.text);
}

/** Parses a `filter` query parameter or `/.search` filter (RFC 7644 §3.4.2.2). */
export function parseFilter(input: string): Filter {
  const parser = new FilterParser(input, 'invalidFilter');
  if (parser.peek().kind === 'end') parser.fail('a filter');
  const filter = parser.parseFilter(false);
  parser.expect('end', 'a logical operator (and, or) or the end of the filter');
  return filter;
}
