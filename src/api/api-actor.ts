import type { FastifyRequest } from 'fastify';
import type { Actor } from '../store/audit.js';
import { principalOf } from './request-context.js';

/** The audit log's "who" for a request: the API key id, or the portal user. */
export const actorOf = (request: FastifyRequest): Actor => principalOf(request).actor;
