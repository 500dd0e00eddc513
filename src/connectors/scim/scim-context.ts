import type { Connection } from '../../store/connections.js';

/** Who is calling and for which connection, established once per request by the auth hook. */
export interface ScimContext {
  readonly organizationId: string;
  readonly connection: Connection;
  readonly tokenId: string;
  /** `<public url>/scim/v2/<connectionId>`: the base of every `meta.location`. */
  readonly baseUrl: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimContext;
  }
}
