import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RosterError } from '../errors.js';
import { firstValidationIssue } from './validation-issue.js';

/**
 * The REST API's error format: problem details (RFC 9457), sent as `application/problem+json`.
 * `type` is a stable URN per error code (docs/api.md lists them); `detail` is shown only for
 * client errors; validation failures name the first bad member in `errors` with a JSON pointer.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { pointer: string; detail: string }[];
  /** For `locked-by-directory`: the connection that owns the user. */
  connectionId?: string;
  connectionName?: string | null;
  /** For `locked-by-directory`: the kind of directory connection, `scim` or `graph`. */
  directory?: string;
  field?: string;
}

export const problemContentType = 'application/problem+json';

const titles: Record<string, string> = {
  'not-found': 'Not found',
  conflict: 'Conflict',
  'invalid-input': 'Invalid input',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  gone: 'Gone',
  'locked-by-directory': 'Managed by a directory',
  'seat-limit-exceeded': 'Seat limit exceeded',
  upstream: 'Upstream service failed',
  internal: 'Internal error',
  'payload-too-large': 'Payload too large',
  'unsupported-media-type': 'Unsupported media type',
  'method-not-allowed': 'Method not allowed',
  'bad-request': 'Bad request',
  'request-timeout': 'Request timeout',
  'headers-too-large': 'Request headers too large',
};

export const problemType = (slug: string): string => `urn:roster:problem:${slug}`;

export function problemFor(
  slug: string,
  status: number,
  detail: string | undefined,
  instance: string,
): Problem {
  return {
    type: problemType(slug),
    title: titles[slug] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    instance,
  };
}

/** Translates any error thrown under /api/v1 into a problem; the original is logged, not sent. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = request.url.split('?')[0] ?? request.url;
  if (error instanceof RosterError) {
    const slug = error.code.replaceAll('_', '-');
    const problem = problemFor(slug, error.status, error.expose ? error.message : undefined, instance);
    if (error.field !== undefined && error.expose) problem.field = error.field;
    const owner = error as { connectionId?: unknown; connectionName?: unknown; directory?: unknown };
    if (typeof owner.connectionId === 'string') problem.connectionId = owner.connectionId;
    if (typeof owner.connectionName === 'string') problem.connectionName = owner.connectionName;
    if (typeof owner.directory === 'string') problem.directory = owner.directory;
    return problem;
  }
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const location = fastifyError.validationContext ?? 'body';
    const problem = problemFor('invalid-input', 400, `The request ${location} is not valid`, instance);
    const issue = firstValidationIssue(fastifyError.validation, location);
    if (issue !== undefined) problem.errors = [issue];
    return problem;
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status === 413) return problemFor('payload-too-large', 413, 'The request body is too large', instance);
  if (status === 415) return problemFor('unsupported-media-type', 415, fastifyError.message, instance);
  if (status >= 400 && status < 500)
    return problemFor('invalid-input', status, fastifyError.message, instance);
  return problemFor('internal', 500, undefined, instance);
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // Serialised here, not by route response schemas, which describe only successful answers.
  return reply.code(problem.status).type(problemContentType).serializer(JSON.stringify).send(problem);
}
