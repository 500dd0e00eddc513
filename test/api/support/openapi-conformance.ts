import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { apiClient, type ApiResponse } from './api-client.js';

/**
 * Checks real answers against the published OpenAPI 3.1 document: each response's status must be
 * documented for its operation, and its body must match the documented schema (JSON Schema
 * 2020-12, checked with Ajv 2020); problem+json answers must match the Problem schema.
 */
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export class Conformance {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #validators = new Map<unknown, ValidateFunction>();
  readonly #templates: { regex: RegExp; template: string }[];
  /** Operations and statuses seen, to show how much of the document the tests exercised. */
  readonly seen = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.#ajv);
    this.#templates = Object.keys(document.paths).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  readonly check = (method: string, path: string, response: ApiResponse): void => {
    const bare = path.split('?')[0] ?? path;
    const matches = this.#templates.filter((entry) => entry.regex.test(bare));
    // A literal segment wins over a parameter (`/connections/scim` over `/connections/{id}`).
    const found = matches.sort((a, b) => b.template.split('{').length - a.template.split('{').length).at(-1);
    assert.ok(found, `${method} ${bare} is not in the OpenAPI document`);
    const operation = this.document.paths[found.template]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${found.template} is not in the OpenAPI document`);
    const status = String(response.status);
    this.seen.add(`${method} ${found.template} ${status}`);
    if (response.contentType.startsWith('application/problem+json')) {
      this.#validate(
        this.document.components.schemas.Problem,
        response.body,
        `${method} ${bare} ${status} problem`,
      );
      return;
    }
    const documented = operation.responses[status];
    assert.ok(documented, `${method} ${found.template} answered ${status}, which the document does not list`);
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) {
      assert.equal(response.body, undefined, `${method} ${found.template} ${status} should have no body`);
      return;
    }
    this.#validate(schema, response.body, `${method} ${bare} ${status}`);
  };

  #validate(schema: unknown, body: unknown, where: string): void {
    let validate = this.#validators.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(schema as object);
      this.#validators.set(schema, validate);
    }
    assert.ok(validate(body), `${where} does not match its schema: ${this.#ajv.errorsText(validate.errors)}`);
  }
}

/** Reads the document from a running server (it needs no key). */
export async function loadConformance(baseUrl: string): Promise<Conformance> {
  const response = await apiClient(baseUrl, undefined).get<OpenApiDocument>('/openapi.json');
  assert.equal(response.status, 200);
  return new Conformance(response.body);
}
