import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for Entra's token endpoint and Graph's delta queries, for tests of the pull
 * that must not wait for the full emulator: versioned objects, tombstones, membership changes,
 * expiring delta tokens and throttling on demand. Shapes follow Microsoft's documentation.
 */
export interface FakeUser {
  id: string;
  userPrincipalName: string;
  mail?: string | null;
  givenName: string;
  surname: string;
  displayName?: string;
  accountEnabled?: boolean;
  userType?: string;
}

interface Versioned<T> {
  object: T;
  version: number;
  deleted: boolean;
}

export class FakeTenant {
  readonly tenantId = '11111111-2222-3333-4444-555555555555';
  readonly clientId = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  readonly clientSecret = 'fake-secret';
  roles = ['User.Read.All', 'Group.Read.All'];
  pageSize = 10;
  /** Answer the next N Graph requests with 429 and `Retry-After: 0`. */
  throttleNext = 0;
  throttled = 0;
  requests: string[] = [];
  /** Delay every Graph answer, to catch a run in the middle. */
  delayMs = 0;
  #version = 1;
  #minDeltaVersion = 0;
  readonly #users = new Map<string, Versioned<FakeUser>>();
  readonly #groups = new Map<string, Versioned<{ id: string; displayName: string }>>();
  readonly #members = new Map<string, Map<string, Versioned<null>>>();
  #server: http.Server | undefined;
  url = '';

  constructor(users: number, groups: number) {
    for (let i = 1; i <= users; i += 1) {
      const n = String(i).padStart(3, '0');
      this.upsertUser({
        id: `u-${n}`,
        userPrincipalName: `user${n}@contoso.test`,
        mail: `user${n}@contoso.test`,
        givenName: `Given${n}`,
        surname: `Sur${n}`,
        accountEnabled: true,
      });
    }
    for (let g = 1; g <= groups; g += 1) {
      this.upsertGroup(`g-${g}`, `Group ${g}`);
      for (let i = g; i <= users; i += groups) this.addMember(`g-${g}`, `u-${String(i).padStart(3, '0')}`);
    }
  }

  upsertUser(user: FakeUser): void {
    this.#users.set(user.id, {
      object: { ...this.#users.get(user.id)?.object, ...user },
      version: ++this.#version,
      deleted: false,
    });
  }
  updateUser(id: string, changes: Partial<FakeUser>): void {
    const current = this.#users.get(id);
    if (current) this.upsertUser({ ...current.object, ...changes });
  }
  deleteUser(id: string): void {
    const current = this.#users.get(id);
    if (current) this.#users.set(id, { ...current, version: ++this.#version, deleted: true });
    for (const [groupId, members] of this.#members)
      if (members.get(id)?.deleted === false) this.removeMember(groupId, id);
  }
  upsertGroup(id: string, displayName: string): void {
    this.#groups.set(id, { object: { id, displayName }, version: ++this.#version, deleted: false });
    if (!this.#members.has(id)) this.#members.set(id, new Map());
  }
  addMember(groupId: string, userId: string): void {
    this.#members.get(groupId)?.set(userId, { object: null, version: ++this.#version, deleted: false });
  }
  removeMember(groupId: string, userId: string): void {
    this.#members.get(groupId)?.set(userId, { object: null, version: ++this.#version, deleted: true });
  }
  /** Every delta token handed out so far stops working (410 syncStateNotFound). */
  expireDeltaTokens(): void {
    this.#minDeltaVersion = ++this.#version;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      if (this.delayMs === 0 || req.method === 'POST') this.#handle(req, res);
      else setTimeout(() => this.#handle(req, res), this.delayMs);
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === `/${this.tenantId}/oauth2/v2.0/token`) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
          send(401, {
            error: 'invalid_client',
            error_description: `AADSTS7000215: Invalid client secret provided. Trace ID: x`,
            error_codes: [7000215],
          });
          return;
        }
        const payload = Buffer.from(
          JSON.stringify({ tid: this.tenantId, ...(this.roles.length ? { roles: this.roles } : {}) }),
        ).toString('base64url');
        send(200, {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: `eyJhbGciOiJub25lIn0.${payload}.sig`,
        });
      });
      return;
    }
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (!/^Bearer /.test(req.headers.authorization ?? ''))
      return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'no token' } });
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      this.throttled += 1;
      return send(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '0' });
    }
    if (url.pathname === '/v1.0/users/delta') return send(...this.#delta(url, 'users'));
    if (url.pathname === '/v1.0/groups/delta') return send(...this.#delta(url, 'groups'));
    const user = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
    if (user) {
      const found = this.#users.get(decodeURIComponent(user[1] ?? ''));
      return found && !found.deleted
        ? send(200, found.object)
        : send(404, { error: { code: 'Request_ResourceNotFound', message: 'gone' } });
    }
    if (url.pathname === '/v1.0/users' || url.pathname === '/v1.0/groups') {
      const search = /displayName:([^"]*)/.exec(url.searchParams.get('$search') ?? '')?.[1]?.toLowerCase();
      const groups = [...this.#groups.values()].filter((g) => !g.deleted).map((g) => g.object);
      const hits =
        search === undefined
          ? groups
          : groups.filter((g) =>
              g.displayName
                .toLowerCase()
                .split(' ')
                .some((w) => w.startsWith(search)),
            );
      return send(200, { value: hits.slice(0, 25) });
    }
    send(404, { error: { code: 'NotFound', message: url.pathname } });
  }

  /** One delta page: objects changed after `since`, from `offset`, then the next or delta link. */
  #delta(url: URL, resource: 'users' | 'groups'): [number, unknown] {
    const token = url.searchParams.get('$deltatoken') ?? url.searchParams.get('$skiptoken');
    const [since = 0, offset = 0] = (token ?? '0.0').split('.').map(Number);
    if (token !== null && since !== 0 && since < this.#minDeltaVersion) {
      return [410, { error: { code: 'syncStateNotFound', message: 'The delta token has expired' } }];
    }
    const all = resource === 'users' ? this.#userChanges(since) : this.#groupChanges(since);
    const page = all.slice(offset, offset + this.pageSize);
    const base = `${this.url}/v1.0/${resource}/delta`;
    const link =
      offset + this.pageSize < all.length
        ? { '@odata.nextLink': `${base}?$skiptoken=${since}.${offset + this.pageSize}` }
        : { '@odata.deltaLink': `${base}?$deltatoken=${this.#version}.0` };
    return [200, { value: page, ...link }];
  }

  #userChanges(since: number): unknown[] {
    return [...this.#users.values()]
      .filter((u) => u.version > since && !(since === 0 && u.deleted))
      .map((u) => (u.deleted ? { id: u.object.id, '@removed': { reason: 'changed' } } : u.object));
  }

  #groupChanges(since: number): unknown[] {
    const out: unknown[] = [];
    for (const group of this.#groups.values()) {
      const members = [...(this.#members.get(group.object.id) ?? new Map<string, Versioned<null>>())]
        .filter(([, m]) => m.version > since && !(since === 0 && m.deleted))
        .map(([id, m]) => ({
          '@odata.type': '#microsoft.graph.user',
          id,
          ...(m.deleted ? { '@removed': { reason: 'deleted' } } : {}),
        }));
      if (group.version <= since && members.length === 0) continue;
      out.push({ id: group.object.id, displayName: group.object.displayName, 'members@delta': members });
    }
    return out;
  }
}
