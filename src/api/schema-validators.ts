import type { FastifyInstance } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its namespace arrives instead.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

/**
 * Validators of the REST API. Fastify's default Ajv converts types and silently drops members a
 * schema does not name, for every part of a request. That suits query strings and path parameters,
 * which arrive as text. A body is JSON the caller wrote: `"givenName": 123` or an unknown member
 * is refused with 400 (as the OpenAPI document's `additionalProperties: false` promises), never
 * turned into `"123"` or ignored.
 */
export function useStrictBodyValidation(app: FastifyInstance): void {
  const common: Options = { useDefaults: true, allErrors: false, addUsedSchema: false };
  const bodies = addFormats(new Ajv({ ...common, coerceTypes: false, removeAdditional: false }));
  const text = addFormats(new Ajv({ ...common, coerceTypes: 'array', removeAdditional: true }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : text).compile(schema));
}
