import { resolvePolicy } from '../../domain/policy/policy.js';
import type { Runtime } from '../../runtime.js';
import { missingConsentRemedy } from './entra-remedy.js';
import { openGraphConnection } from './graph-connections.js';
import { GraphError } from './graph-error.js';
import { checkPermissions, type PermissionReport } from './permissions.js';

/** What `graph test` reports: whether a token comes, what it may do, and what to fix. */
export interface GraphConnectionTest {
  connectionId: string;
  ok: boolean;
  tenantId: string;
  clientId: string;
  loginUrl: string;
  graphUrl: string;
  token: 'acquired' | 'failed';
  roles: string[];
  /**
   * Permissions the token lacks, per part of the sync. `roles` (app role assignments, when the
   * policy takes roles from the source) is listed with a remedy but leaves `ok` true: without it
   * the sync still runs and keeps users' roles as they are.
   */
  missing: PermissionReport['missing'];
  /** Calls that prove the permissions work: reading one user and one group. */
  checks: { users: CheckResult; groups: CheckResult };
  error: { code: string; graphCode: string; message: string; remedy?: string } | null;
  remedies: string[];
}

type CheckResult = 'ok' | 'failed' | 'skipped';

export async function testGraphConnection(
  runtime: Runtime,
  connectionId: string,
  organizationId?: string,
): Promise<GraphConnectionTest> {
  const { connection, settings, tokens, client } = await openGraphConnection(
    runtime,
    connectionId,
    organizationId,
  );
  const { fromSource } = resolvePolicy('graph', connection.policy).roles;
  const report: GraphConnectionTest = {
    connectionId,
    ok: false,
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    loginUrl: settings.loginUrl,
    graphUrl: settings.graphUrl,
    token: 'failed',
    roles: [],
    missing: [],
    checks: { users: 'skipped', groups: 'skipped' },
    error: null,
    remedies: [],
  };
  let accessToken: string;
  try {
    // A fresh token, not a cached one: the admin is checking the credential as it is now.
    accessToken = await tokens.getToken({ forceRefresh: true });
  } catch (error) {
    recordError(report, error);
    return report;
  }
  report.token = 'acquired';
  const permissions = checkPermissions(accessToken, { appRoles: fromSource });
  report.roles = permissions.roles ?? [];
  report.missing = permissions.missing;
  const blocking = permissions.missing.filter((m) => m.neededFor !== 'roles');
  if (blocking.length > 0) {
    const needs = blocking.map(
      (m) => `${m.neededFor} need ${m.anyOf[0] ?? ''} (or ${m.anyOf.slice(1).join(', ')})`,
    );
    report.remedies.push(`${missingConsentRemedy} Missing: ${needs.join('; ')}.`);
  }
  const roles = permissions.missing.find((m) => m.neededFor === 'roles');
  if (roles !== undefined) {
    report.remedies.push(
      `Roles from Entra (the policy's roles.fromSource) need the application permission ${roles.anyOf[0] ?? ''} ` +
        `(or ${roles.anyOf.slice(1).join(', ')}) with admin consent, to read the app role assignments; ` +
        'until then each sync keeps users’ roles as they are and warns. Or set roles.fromSource to false.',
    );
  }
  for (const resource of ['users', 'groups'] as const) {
    try {
      await client.get(`/${resource}?$top=1&$select=id`);
      report.checks[resource] = 'ok';
    } catch (error) {
      report.checks[resource] = 'failed';
      if (report.error === null) recordError(report, error);
    }
  }
  report.ok = blocking.length === 0 && report.checks.users === 'ok' && report.checks.groups === 'ok';
  return report;
}

function recordError(report: GraphConnectionTest, error: unknown): void {
  if (!(error instanceof GraphError)) throw error;
  report.error = {
    code: error.code,
    graphCode: error.graphCode,
    message: error.message,
    ...(error.remedy === undefined ? {} : { remedy: error.remedy }),
  };
  if (error.remedy !== undefined && !report.remedies.includes(error.remedy))
    report.remedies.push(error.remedy);
}
