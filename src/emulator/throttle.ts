/**
 * Graph's identity throttling, as a token bucket of ResourceUnits per application + tenant
 * ("Microsoft Graph service-specific throttling limits", identity and access: e.g. 3,500 / 5,000
 * / 8,000 ResourceUnits per 10 seconds for small / medium / large tenants). Off by default so
 * benchmarks measure Roster, not the emulator; tests switch it on with `setThrottle`.
 *
 * Documented response headers: `x-ms-resource-unit` on every response (set by the Graph router),
 * `x-ms-throttle-limit-percentage` once more than 0.8 of the limit is used, and on a 429
 * `Retry-After`, `x-ms-throttle-scope` and `x-ms-throttle-information`.
 */

export interface ThrottleSettings {
  /** ResourceUnits allowed per window, per application. */
  resourceUnits: number;
  /** Window length in seconds; default 10. */
  windowSeconds?: number;
}

export type ThrottleDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; headers: Record<string, string> };

interface Bucket {
  units: number;
  updatedMs: number;
}

export class Throttle {
  #settings: Required<ThrottleSettings> | null = null;
  readonly #buckets = new Map<string, Bucket>();

  set(settings: ThrottleSettings | null): void {
    this.#buckets.clear();
    if (settings === null) {
      this.#settings = null;
      return;
    }
    const windowSeconds = settings.windowSeconds ?? 10;
    if (!(settings.resourceUnits > 0) || !(windowSeconds > 0)) {
      throw new TypeError('throttle.resourceUnits and throttle.windowSeconds must be positive');
    }
    this.#settings = { resourceUnits: settings.resourceUnits, windowSeconds };
  }

  get settings(): Required<ThrottleSettings> | null {
    return this.#settings;
  }

  charge(appId: string, tenantId: string, cost: number, nowMs: number): ThrottleDecision {
    const settings = this.#settings;
    if (!settings) return { allowed: true, headers: {} };
    const rate = settings.resourceUnits / settings.windowSeconds;
    const bucket = this.#buckets.get(appId) ?? { units: settings.resourceUnits, updatedMs: nowMs };
    bucket.units = Math.min(
      settings.resourceUnits,
      bucket.units + ((nowMs - bucket.updatedMs) / 1000) * rate,
    );
    bucket.updatedMs = nowMs;
    this.#buckets.set(appId, bucket);
    if (bucket.units < cost) {
      const retryAfterSeconds = Math.max(1, Math.ceil((cost - bucket.units) / rate));
      return {
        allowed: false,
        retryAfterSeconds,
        headers: {
          'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${appId}/${tenantId}`,
          'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
        },
      };
    }
    bucket.units -= cost;
    const used = 1 - bucket.units / settings.resourceUnits;
    return used > 0.8
      ? { allowed: true, headers: { 'x-ms-throttle-limit-percentage': used.toFixed(1) } }
      : { allowed: true, headers: {} };
  }
}
