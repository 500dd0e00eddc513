/**
 * Everything one running emulator shares between its HTTP scopes: the tenant, the signing key,
 * the registered applications and the knobs tests turn (token lifetime, delta-token epoch,
 * failures, throttling). Per-request facts never live here; they travel in `RequestContext`.
 */
import { AuthorizationCodes } from './login/authorization-codes.js';
import { SigningKey } from './login/signing-key.js';
import type { RegisteredClient, ResolvedOptions } from './options.js';
import { FailureInjector } from './failure-injection.js';
import { RequestLog } from './request-log.js';
import { StateTokens } from './state-token.js';
import { TenantStore } from './tenant-store.js';
import { Throttle } from './throttle.js';
import { generateTenant } from './generate-tenant.js';

export class EmulatorRuntime {
  readonly options: ResolvedOptions;
  readonly store: TenantStore;
  readonly signingKey = SigningKey.generate();
  readonly stateTokens = new StateTokens();
  readonly failures = new FailureInjector();
  readonly throttle = new Throttle();
  readonly requestLog = new RequestLog();
  readonly authorizationCodes = new AuthorizationCodes();
  /** http://127.0.0.1:PORT — serves login and Graph alike. */
  readonly origin: string;
  #accessTokenLifetimeSeconds: number;
  /** Delta and skip tokens carry the generation they were issued in; older ones are expired. */
  #deltaGeneration = 0;

  constructor(options: ResolvedOptions, origin: string) {
    this.options = options;
    this.origin = origin;
    this.store = new TenantStore(generateTenant(options.seed, options.users, options.groups), options.now);
    this.#accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds;
  }

  /** Origins under which the emulator itself is Graph: accepted as a token resource and audience. */
  get ownOrigins(): readonly string[] {
    const port = new URL(this.origin).port;
    const origins = [this.origin, `http://localhost:${port}`];
    return this.options.graphUrl === null ? origins : [...origins, this.options.graphUrl];
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** The v2.0 issuer: `<loginUrl>/<tenantId>/v2.0`, as in the discovery document. */
  get issuerV2(): string {
    return `${this.origin}/${this.tenantId}/v2.0`;
  }

  /** The issuer of v1.0 access tokens, which Graph receives: `https://sts.windows.net/<tid>/`. */
  get stsIssuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  now(): Date {
    return this.options.now();
  }

  client(clientId: string): RegisteredClient | undefined {
    const wanted = clientId.toLowerCase();
    return this.options.clients.find((c) => c.clientId.toLowerCase() === wanted);
  }

  /** Matches the tenant path segment: the tenant id or its default domain, any case. */
  isTenant(segment: string): boolean {
    const lower = segment.toLowerCase();
    return lower === this.tenantId || lower === this.store.generated.domain;
  }

  get accessTokenLifetimeSeconds(): number {
    return this.#accessTokenLifetimeSeconds;
  }

  setAccessTokenLifetime(seconds: number): void {
    if (!Number.isSafeInteger(seconds) || seconds < 1)
      throw new TypeError('seconds must be a positive integer');
    this.#accessTokenLifetimeSeconds = seconds;
  }

  get deltaGeneration(): number {
    return this.#deltaGeneration;
  }

  expireDeltaTokens(): void {
    this.#deltaGeneration++;
  }
}
