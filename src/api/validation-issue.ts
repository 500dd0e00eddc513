import type { FastifySchemaValidationError } from 'fastify';

/**
 * The first bad member of a request, from what Ajv reports. Ajv stops at the first failing keyword
 * (`allErrors: false`), but a failing `anyOf` or `oneOf` also reports why each of its branches
 * failed, before its own error: `status=bogus` against a union of three constants gave four
 * entries ("must be equal to constant" three times, then "must match a schema in anyOf"). The
 * keyword that failed is the last entry; its branches' errors only say what would have passed,
 * so they become one message naming the allowed values.
 */
export interface ValidationIssue {
  pointer: string;
  detail: string;
}

export function firstValidationIssue(
  issues: readonly FastifySchemaValidationError[],
  location: string,
): ValidationIssue | undefined {
  const failed = issues.at(-1);
  if (failed === undefined) return undefined;
  return {
    pointer: `/${location}${failed.instancePath}${memberOf(failed.params)}`,
    detail: detailOf(failed, issues),
  };
}

function detailOf(
  failed: FastifySchemaValidationError,
  issues: readonly FastifySchemaValidationError[],
): string {
  const params = failed.params as { allowedValue?: unknown; allowedValues?: unknown };
  switch (failed.keyword) {
    case 'additionalProperties':
      return 'is not a known member';
    case 'const':
      return `must be ${valueText(params.allowedValue)}`;
    case 'enum':
      return Array.isArray(params.allowedValues)
        ? `must be one of: ${params.allowedValues.map(valueText).join(', ')}`
        : (failed.message ?? 'is not valid');
    case 'anyOf':
    case 'oneOf':
      return branchesDetail(failed, issues) ?? failed.message ?? 'is not valid';
    default:
      return failed.message ?? 'is not valid';
  }
}

/** What the branches of a failed union accept, said once: allowed values, types, or their rules. */
function branchesDetail(
  failed: FastifySchemaValidationError,
  issues: readonly FastifySchemaValidationError[],
): string | undefined {
  const prefix = `${failed.schemaPath}/`;
  const branches = issues.filter((issue) => issue !== failed && issue.schemaPath.startsWith(prefix));
  if (branches.length === 0) return undefined;
  const sameMember = branches.every((issue) => issue.instancePath === failed.instancePath);
  if (sameMember && branches.every((issue) => issue.keyword === 'const' || issue.keyword === 'enum')) {
    const allowed = branches.flatMap((issue) => {
      const params = issue.params as { allowedValue?: unknown; allowedValues?: unknown };
      return issue.keyword === 'const'
        ? [params.allowedValue]
        : Array.isArray(params.allowedValues)
          ? (params.allowedValues as unknown[])
          : [];
    });
    return `must be one of: ${allowed.map(valueText).join(', ')}`;
  }
  if (sameMember && branches.every((issue) => issue.keyword === 'type')) {
    const types = branches.map((issue) => String((issue.params as { type?: unknown }).type));
    return `must be ${[...new Set(types)].join(' or ')}`;
  }
  // Mixed rules (`Nullable(Type.String({ maxLength: 320 }))`): each branch's own reason.
  return [...new Set(branches.map((issue) => issue.message ?? 'is not valid'))].join(', or ');
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Ajv points a missing or unknown member at the object holding it; the pointer names the member
 * itself, so a caller sees which one (`/body/nmae`, not `/body`). Escaped per RFC 6901 §3.
 */
function memberOf(params: unknown): string {
  const { missingProperty, additionalProperty } = (params ?? {}) as {
    missingProperty?: unknown;
    additionalProperty?: unknown;
  };
  const name = missingProperty ?? additionalProperty;
  return typeof name === 'string' ? `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}` : '';
}
