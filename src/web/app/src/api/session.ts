import { ApiError, get, post, put, sessionPath, setSessionContext } from './client';

/** The signed-in person as /auth/session describes them. */
export interface Session {
  kind: 'operator' | 'user';
  displayName: string;
  role: string;
  canChange: boolean;
  organization: { id: string; slug: string; name: string } | null;
  csrfToken: string;
  expiresAt: string;
}

/** The session, or null when nobody is signed in. */
export async function loadSession(): Promise<Session | null> {
  try {
    const session = await get<Session>(sessionPath);
    setSessionContext({ csrfToken: session.csrfToken, organizationId: session.organization?.id ?? null });
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const signOut = () => post<{ signedOut: boolean }>('/auth/logout');

export const listAllOrganizations = () =>
  get<{ organizations: { id: string; slug: string; name: string }[] }>('/auth/organizations');

export const switchOrganization = (organization: string) =>
  post<{ organization: { id: string } }>('/auth/session/organization', { organization });

export interface SsoSettingsView {
  tenantId: string;
  clientId: string;
  cloud: string;
  /** The login host in use: the override, else the cloud's. */
  loginUrl: string;
  /** The host given instead of the cloud's, or null. */
  loginUrlOverride: string | null;
  enabled: boolean;
  authority: string;
  updatedAt: string;
}

export interface SsoSettingsReply {
  settings: SsoSettingsView | null;
  redirectUris: { web: string[]; publicClient: string[] };
}

export const getSsoSettings = () => get<SsoSettingsReply>('/auth/settings');
export const saveSsoSettings = (body: Record<string, unknown>) =>
  put<SsoSettingsReply>('/auth/settings', body);
