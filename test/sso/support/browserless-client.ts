/**
 * A cookie-keeping HTTP client that follows redirects by hand, the way a browser would, so the
 * sign-in tests can walk Roster → emulator → Roster and look at every hop.
 */
export interface Hop {
  status: number;
  url: string;
  location: string | null;
}

export class BrowserlessClient {
  readonly #jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.#jar.get(origin)?.get(name);
  }

  /** Follows up to `maxHops` redirects, keeping cookies per origin; returns the hops and the last response. */
  async follow(url: string, maxHops = 10): Promise<{ hops: Hop[]; response: Response }> {
    const hops: Hop[] = [];
    let current = url;
    for (let i = 0; i < maxHops; i += 1) {
      const response = await this.request('GET', current);
      const location = response.headers.get('location');
      hops.push({ status: response.status, url: current, location });
      if (location === null || response.status < 300 || response.status >= 400) return { hops, response };
      current = new URL(location, current).href;
    }
    throw new Error(`More than ${maxHops} redirects from ${url}`);
  }

  async request(
    method: string,
    url: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.#jar.get(origin) ?? new Map<string, string>();
    this.#jar.set(origin, jar);
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
}
