/**
 * Builds the test for one `attrPath compareOp compValue` against a single attribute value,
 * following the attribute's schema (RFC 7644 §3.4.2.2):
 * - strings honour `caseExact`; `gt`/`ge`/`lt`/`le` compare them lexicographically;
 * - dateTime values compare chronologically, not as text;
 * - booleans and binary values refuse `gt`/`ge`/`lt`/`le` with invalidFilter, as the RFC
 *   requires; we also refuse `co`/`sw`/`ew` on booleans and numbers, which have no meaning there;
 * - a literal of the wrong JSON type for a known attribute is invalidFilter, so mistakes show
 *   up instead of silently matching nothing; unknown attributes compare by the literal's type.
 * Problems are found when the test is built, so they surface even if no resource is checked.
 */
import type { CompareOperator } from './ast.js';
import { ScimFilterError } from './errors.js';
import type { AttributeDefinition } from '../schema/attribute-schema.js';

/** `ne` is evaluated as "no value is `eq`" by the caller, so it never reaches here. */
export type PositiveOperator = Exclude<CompareOperator, 'ne'>;
export type ValueTest = (candidate: unknown) => boolean;

const ORDERING = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

/** xsd:dateTime (RFC 7643 §2.3.5); a missing offset is read as UTC so results never depend on the host. */
const DATE_TIME = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/i;

export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) return undefined;
  const time = Date.parse(`${match[1] ?? ''}${match[2] ?? 'Z'}`);
  return Number.isNaN(time) ? undefined : time;
}

function invalid(label: string, message: string): never {
  throw new ScimFilterError(`Invalid filter on "${label}": ${message}`, 'invalidFilter');
}

function order(difference: number, operator: CompareOperator): boolean {
  switch (operator) {
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return difference === 0;
  }
}

function stringTest(operator: PositiveOperator, literal: string, caseExact: boolean): ValueTest {
  const fold = (text: string) => (caseExact ? text : text.toLowerCase());
  const expected = fold(literal);
  return (candidate) => {
    if (typeof candidate !== 'string') return false;
    const actual = fold(candidate);
    if (operator === 'co') return actual.includes(expected);
    if (operator === 'sw') return actual.startsWith(expected);
    if (operator === 'ew') return actual.endsWith(expected);
    return order(actual < expected ? -1 : actual > expected ? 1 : 0, operator);
  };
}

function dateTimeTest(operator: PositiveOperator, literal: string, label: string): ValueTest {
  if (SUBSTRING.has(operator)) return stringTest(operator, literal, false);
  const expected = parseDateTime(literal);
  if (expected === undefined) {
    invalid(label, `${JSON.stringify(literal)} is not a dateTime such as "2024-05-13T04:42:34Z"`);
  }
  return (candidate) => {
    const actual = typeof candidate === 'string' ? parseDateTime(candidate) : undefined;
    return actual !== undefined && order(actual - expected, operator);
  };
}

function numberTest(operator: PositiveOperator, literal: number, label: string): ValueTest {
  if (SUBSTRING.has(operator)) invalid(label, `"${operator}" does not apply to numbers`);
  return (candidate) => typeof candidate === 'number' && order(candidate - literal, operator);
}

function booleanTest(operator: PositiveOperator, literal: boolean, label: string): ValueTest {
  if (operator !== 'eq') invalid(label, `booleans support only "eq" and "ne", not "${operator}"`);
  return (candidate) => candidate === literal;
}

/** The test for a known attribute: the literal must fit its type. */
function typedTest(
  definition: AttributeDefinition,
  operator: PositiveOperator,
  literal: string | number | boolean,
  label: string,
): ValueTest {
  const wrongType = (expected: string): never =>
    invalid(label, `it is a ${definition.type} attribute; compare it with ${expected}`);
  switch (definition.type) {
    case 'boolean':
      return typeof literal === 'boolean'
        ? booleanTest(operator, literal, label)
        : wrongType('true or false');
    case 'integer':
    case 'decimal':
      return typeof literal === 'number' ? numberTest(operator, literal, label) : wrongType('a number');
    case 'dateTime':
      return typeof literal === 'string'
        ? dateTimeTest(operator, literal, label)
        : wrongType('a quoted dateTime');
    case 'binary':
      if (ORDERING.has(operator))
        invalid(label, `binary attributes do not support "${operator}" (RFC 7644 §3.4.2.2)`);
      return typeof literal === 'string' ? stringTest(operator, literal, true) : wrongType('a quoted string');
    case 'complex':
      return invalid(label, 'it is a complex attribute; name one of its sub-attributes, e.g. name.givenName');
    default:
      return typeof literal === 'string'
        ? stringTest(operator, literal, definition.caseExact)
        : wrongType('a quoted string');
  }
}

/** The test for an attribute outside our schema: a case-insensitive string, or by the literal's type. */
function untypedTest(
  operator: PositiveOperator,
  literal: string | number | boolean,
  label: string,
): ValueTest {
  if (typeof literal === 'string') return stringTest(operator, literal, false);
  if (typeof literal === 'number') return numberTest(operator, literal, label);
  return booleanTest(operator, literal, label);
}

export function buildValueTest(
  definition: AttributeDefinition | undefined,
  operator: PositiveOperator,
  literal: string | number | boolean,
  label: string,
): ValueTest {
  return definition === undefined
    ? untypedTest(operator, literal, label)
    : typedTest(definition, operator, literal, label);
}
