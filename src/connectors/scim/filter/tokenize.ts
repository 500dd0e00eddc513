/**
 * Splits a SCIM filter or PATCH path into tokens (RFC 7644 §3.4.2.2).
 *
 * Rules:
 * - Words are attribute paths (`urn:…:User:manager.value`, `$ref`), operators and keywords;
 *   the parser decides which, so operator keywords stay case-insensitive.
 * - Strings are JSON strings (RFC 8259 §7) with every JSON escape; numbers are JSON numbers.
 * - A `.sub` directly after `]` is one word starting with a dot (PATCH `emails[…].value`).
 * - Any whitespace separates tokens; the RFC's single SP is not enforced, as clients vary.
 * - Input longer than `MAX_FILTER_LENGTH` is refused before any work is done.
 */
import { ScimFilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** 0-based offset of the token in the input. */
  readonly position: number;
  /** The decoded literal for `string` and `number` tokens. */
  readonly value?: string | number;
}

/** Far above anything Entra sends (a handful of `eq` terms), low enough to bound the work. */
export const MAX_FILTER_LENGTH = 8192;

const WORD = /[A-Za-z0-9_$:.-]+/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /\s/;
const PUNCTUATION = new Set(['(', ')', '[', ']']);

export type ErrorKind = 'invalidFilter' | 'invalidPath';

export function tokenize(input: string, errorKind: ErrorKind): Token[] {
  const noun = errorKind === 'invalidFilter' ? 'filter' : 'path';
  if (input.length > MAX_FILTER_LENGTH) {
    throw new ScimFilterError(`The ${noun} is longer than ${MAX_FILTER_LENGTH} characters`, errorKind, 0);
  }
  const tokens: Token[] = [];
  let position = 0;
  while (position < input.length) {
    const char = input.charAt(position);
    if (WHITESPACE.test(char)) {
      position += 1;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as TokenKind, text: char, position });
      position += 1;
    } else if (char === '"') {
      const token = readString(input, position, errorKind, noun);
      tokens.push(token);
      position += token.text.length;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const token = readNumber(input, position, errorKind, noun);
      tokens.push(token);
      position += token.text.length;
    } else {
      WORD.lastIndex = position;
      const word = WORD.exec(input)?.[0];
      if (word === undefined) {
        throw new ScimFilterError(
          `Invalid ${noun}: unexpected character ${JSON.stringify(char)} at position ${position}`,
          errorKind,
          position,
        );
      }
      tokens.push({ kind: 'word', text: word, position });
      position += word.length;
    }
  }
  tokens.push({ kind: 'end', text: '', position: input.length });
  return tokens;
}

function readString(input: string, start: number, errorKind: ErrorKind, noun: string): Token {
  let position = start + 1;
  while (position < input.length) {
    const char = input.charAt(position);
    if (char === '\\') {
      position += 2;
    } else if (char === '"') {
      const text = input.slice(start, position + 1);
      return { kind: 'string', text, position: start, value: decodeJsonString(text, start, errorKind, noun) };
    } else {
      position += 1;
    }
  }
  throw new ScimFilterError(
    `Invalid ${noun}: the string starting at position ${start} is not terminated`,
    errorKind,
    start,
  );
}

/** Defers to JSON.parse, which knows every escape of RFC 8259 §7 and rejects raw control characters. */
function decodeJsonString(text: string, start: number, errorKind: ErrorKind, noun: string): string {
  let value: string;
  try {
    value = JSON.parse(text) as string;
  } catch {
    throw new ScimFilterError(
      `Invalid ${noun}: the string at position ${start} has a bad escape or an unescaped control character`,
      errorKind,
      start,
    );
  }
  // No attribute can hold U+0000 (PostgreSQL text cannot; bodies holding one are refused), and
  // PostgreSQL would fail the query on it with a 500 rather than find nothing.
  if (value.includes('\u0000'))
    throw new ScimFilterError(
      `Invalid ${noun}: the string at position ${start} contains a NUL character (\\u0000)`,
      errorKind,
      start,
    );
  return value;
}

function readNumber(input: string, start: number, errorKind: ErrorKind, noun: string): Token {
  NUMBER.lastIndex = start;
  const text = NUMBER.exec(input)?.[0];
  const next = text === undefined ? undefined : input.charAt(start + text.length);
  // A number must end at whitespace, a bracket or the end: `12abc` is neither number nor name.
  if (text === undefined || (next !== '' && !WHITESPACE.test(next ?? '') && !PUNCTUATION.has(next ?? ''))) {
    const found = input.slice(start).split(/[\s()[\]]/)[0] ?? '';
    throw new ScimFilterError(
      `Invalid ${noun}: ${JSON.stringify(found)} at position ${start} is not a valid number or name`,
      errorKind,
      start,
    );
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new ScimFilterError(
      `Invalid ${noun}: the number at position ${start} is out of range`,
      errorKind,
      start,
    );
  }
  return { kind: 'number', text, position: start, value };
}
