/**
 * Scripted failures: "the next 2 requests whose path matches /users\/delta/ get a 429 with
 * Retry-After: 1". Rules are consumed in order; a matching request decrements the rule's count.
 * Graph paths answer in Graph's error shape, login paths in the OAuth shape (see server.ts).
 * A 403 is Graph's `Authorization_RequestDenied`, as for a permission consented for some calls
 * and not others, without changing the app's consented roles.
 */

export type InjectedStatus = 403 | 429 | 500 | 503 | 504;

export interface FailureRule {
  /** Matched against the request path plus query string. A string is compiled as a RegExp. */
  path: RegExp | string;
  status: InjectedStatus;
  /** How many matching requests fail; default 1. */
  count?: number;
  /** Sent as `Retry-After` (seconds) when given. */
  retryAfterSeconds?: number;
  /** Only this HTTP method (any when absent). */
  method?: string;
}

export interface InjectedFailure {
  status: InjectedStatus;
  retryAfterSeconds: number | null;
}

interface ActiveRule {
  pattern: RegExp;
  status: InjectedStatus;
  remaining: number;
  retryAfterSeconds: number | null;
  method: string | null;
}

const statuses: readonly number[] = [403, 429, 500, 503, 504];

export class FailureInjector {
  #rules: ActiveRule[] = [];

  inject(rule: FailureRule): void {
    if (!statuses.includes(rule.status))
      throw new TypeError('failure.status must be 403, 429, 500, 503 or 504');
    const count = rule.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1)
      throw new TypeError('failure.count must be a positive integer');
    const retry = rule.retryAfterSeconds;
    if (retry !== undefined && (!Number.isFinite(retry) || retry < 0)) {
      throw new TypeError('failure.retryAfterSeconds must be a non-negative number');
    }
    let pattern: RegExp;
    try {
      pattern = typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
    } catch (cause) {
      throw new TypeError('failure.path is not a valid regular expression', { cause });
    }
    this.#rules.push({
      pattern,
      status: rule.status,
      remaining: count,
      retryAfterSeconds: retry ?? null,
      method: rule.method?.toUpperCase() ?? null,
    });
  }

  clear(): void {
    this.#rules = [];
  }

  /** Remaining scripted failures, for the control API. */
  pending(): { path: string; status: number; remaining: number }[] {
    return this.#rules.map((r) => ({ path: r.pattern.source, status: r.status, remaining: r.remaining }));
  }

  /** Consumes one failure for this request, if a rule matches. */
  take(method: string, pathAndQuery: string): InjectedFailure | null {
    const index = this.#rules.findIndex(
      (r) => (r.method === null || r.method === method) && r.pattern.test(pathAndQuery),
    );
    const rule = this.#rules[index];
    if (!rule) return null;
    if (--rule.remaining <= 0) this.#rules.splice(index, 1);
    return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  }
}
