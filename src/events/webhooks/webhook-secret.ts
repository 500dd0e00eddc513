import { randomBytes } from 'node:crypto';
import type { RosterConfig } from '../../config.js';
import { openSecretBox } from '../../secrets/secret-box.js';

/**
 * Endpoint signing secrets, in the Standard Webhooks form `whsec_<base64 of 32 random bytes>`.
 * Unlike API keys they cannot be stored as hashes: Roster needs the secret itself to sign every
 * delivery. They are stored sealed (AES-256-GCM under the configured key, bound to the endpoint
 * id) and shown to the admin once, when created or rotated.
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function sealWebhookSecret(
  config: Pick<RosterConfig, 'secretKey' | 'dataDir'>,
  endpointId: string,
  secret: string,
): string {
  return openSecretBox(config).seal(secret, `webhook:${endpointId}`);
}

export function openWebhookSecret(
  config: Pick<RosterConfig, 'secretKey' | 'dataDir'>,
  endpointId: string,
  sealed: string,
): string {
  return openSecretBox(config).open(sealed, `webhook:${endpointId}`);
}
