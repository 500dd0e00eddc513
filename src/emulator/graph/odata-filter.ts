/**
 * `$filter` grammar (the OData 4.01 URL conventions subset Graph supports on directory objects):
 *
 *   expr     = and *( "or" and )
 *   and      = unary *( "and" unary )
 *   unary    = "not" unary / primary
 *   primary  = "(" expr ")"
 *            / ( "startswith" / "endswith" ) "(" property "," literal ")"
 *            / property "/" ( "any" / "all" ) "(" var ":" lambda ")"
 *            / property "in" "(" literal *( "," literal ) ")"
 *            / property ( "eq" / "ne" / "gt" / "ge" / "lt" / "le" ) literal
 *   lambda   = var op literal / ( "startswith" / "endswith" ) "(" var "," literal ")"
 *   literal  = 'string' (with '' for ') / number / true / false / null
 *
 * Keywords and function names are case-insensitive (Graph's own examples write `NOT`, `OR`,
 * `startsWith`).
 */

export type Literal = string | number | boolean | null;
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FunctionName = 'startswith' | 'endswith';

export type LambdaBody =
  | { kind: 'compare'; op: CompareOp; value: Literal }
  | { kind: 'function'; name: FunctionName; value: Literal };

export type FilterExpr =
  | { kind: 'compare'; property: string; op: CompareOp; value: Literal }
  | { kind: 'in'; property: string; values: Literal[] }
  | { kind: 'function'; name: FunctionName; property: string; value: Literal }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; property: string; body: LambdaBody }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr };

export class FilterSyntaxError extends Error {}

type Token =
  | { type: 'ident'; text: string }
  | { type: 'literal'; value: Literal }
  | { type: '(' | ')' | ',' | ':' | '/' };

const compareOps = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('(),:/'.includes(c)) {
      tokens.push({ type: c as '(' | ')' | ',' | ':' | '/' });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterSyntaxError('unterminated string literal');
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += input[i];
        i++;
      }
      tokens.push({ type: 'literal', value });
    } else {
      const match = /^[A-Za-z0-9_.$@+-]+/.exec(input.slice(i));
      if (!match) throw new FilterSyntaxError(`unexpected character '${c}' at position ${i}`);
      const word = match[0];
      i += word.length;
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ type: 'literal', value: lower === 'true' });
      else if (lower === 'null') tokens.push({ type: 'literal', value: null });
      else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ type: 'literal', value: Number(word) });
      else tokens.push({ type: 'ident', text: word });
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  readonly #tokens: Token[];

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): FilterExpr {
    const expr = this.#or();
    if (this.#pos < this.#tokens.length) throw new FilterSyntaxError('unexpected trailing input');
    return expr;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }

  #keyword(word: string): boolean {
    const t = this.#peek();
    if (t?.type === 'ident' && t.text.toLowerCase() === word) {
      this.#pos++;
      return true;
    }
    return false;
  }

  #expect(type: '(' | ')' | ',' | ':' | '/'): void {
    if (this.#peek()?.type !== type) throw new FilterSyntaxError(`expected '${type}'`);
    this.#pos++;
  }

  #ident(): string {
    const t = this.#peek();
    if (t?.type !== 'ident') throw new FilterSyntaxError('expected a property name');
    this.#pos++;
    return t.text;
  }

  #literal(): Literal {
    const t = this.#peek();
    if (t?.type !== 'literal') throw new FilterSyntaxError('expected a literal value');
    this.#pos++;
    return t.value;
  }

  #or(): FilterExpr {
    let left = this.#and();
    while (this.#keyword('or')) left = { kind: 'or', left, right: this.#and() };
    return left;
  }

  #and(): FilterExpr {
    let left = this.#unary();
    while (this.#keyword('and')) left = { kind: 'and', left, right: this.#unary() };
    return left;
  }

  #unary(): FilterExpr {
    if (this.#keyword('not')) return { kind: 'not', operand: this.#unary() };
    return this.#primary();
  }

  #primary(): FilterExpr {
    if (this.#peek()?.type === '(') {
      this.#pos++;
      const inner = this.#or();
      this.#expect(')');
      return inner;
    }
    const name = this.#ident();
    const lower = name.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith') && this.#peek()?.type === '(') {
      this.#pos++;
      const property = this.#ident();
      this.#expect(',');
      const value = this.#literal();
      this.#expect(')');
      return { kind: 'function', name: lower, property, value };
    }
    if (this.#peek()?.type === '/') {
      this.#pos++;
      const quantifier = this.#ident().toLowerCase();
      if (quantifier !== 'any' && quantifier !== 'all') throw new FilterSyntaxError('expected any or all');
      this.#expect('(');
      const variable = this.#ident();
      this.#expect(':');
      const body = this.#lambdaBody(variable);
      this.#expect(')');
      return { kind: 'lambda', quantifier, property: name, body };
    }
    if (this.#keyword('in')) {
      this.#expect('(');
      const values = [this.#literal()];
      while (this.#peek()?.type === ',') {
        this.#pos++;
        values.push(this.#literal());
      }
      this.#expect(')');
      return { kind: 'in', property: name, values };
    }
    const op = this.#ident().toLowerCase();
    if (!compareOps.has(op)) throw new FilterSyntaxError(`unknown operator '${op}'`);
    return { kind: 'compare', property: name, op: op as CompareOp, value: this.#literal() };
  }

  #lambdaBody(variable: string): LambdaBody {
    const name = this.#ident();
    const lower = name.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith') && this.#peek()?.type === '(') {
      this.#pos++;
      if (this.#ident() !== variable) throw new FilterSyntaxError('lambda must test its variable');
      this.#expect(',');
      const value = this.#literal();
      this.#expect(')');
      return { kind: 'function', name: lower, value };
    }
    if (name !== variable) throw new FilterSyntaxError('lambda must test its variable');
    const op = this.#ident().toLowerCase();
    if (!compareOps.has(op)) throw new FilterSyntaxError(`unknown operator '${op}'`);
    return { kind: 'compare', op: op as CompareOp, value: this.#literal() };
  }
}

export function parseFilter(input: string): FilterExpr {
  return new Parser(tokenize(input)).parse();
}
