import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RosterConfig } from '../config.js';
import { RosterError } from '../errors.js';

/**
 * Seals secrets at rest (Graph client secrets, private keys) with AES-256-GCM. The key comes from
 * ROSTER_SECRET_KEY, or from a key file in the data folder created on first use with mode 0600
 * (the embedded default). Sealed text: `v1.<iv>.<tag>.<ciphertext>`, base64url parts; the
 * version prefix lets a later key rotation tell old envelopes apart.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new TypeError('key must be 32 bytes (AES-256)');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    // Binding the connection id as associated data stops a sealed secret being pasted onto another row.
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, associatedData = ''): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new RosterError('internal', 'A stored secret has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      // The usual cause is a changed ROSTER_SECRET_KEY or key file; the message says so, never the secret.
      throw new RosterError(
        'internal',
        'A stored secret could not be decrypted: was ROSTER_SECRET_KEY or the key file changed?',
        { cause },
      );
    }
  }
}

export const keyFileName = 'secret.key';

/** The process's secret box, from configuration or the data folder's key file. */
export function openSecretBox(config: Pick<RosterConfig, 'secretKey' | 'dataDir'>): SecretBox {
  if (config.secretKey !== undefined) return new SecretBox(Buffer.from(config.secretKey, 'hex'));
  return new SecretBox(readOrCreateKeyFile(path.join(config.dataDir, keyFileName)));
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    return parseKey(fs.readFileSync(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx` fails if another process created the file meanwhile; then that process's key wins.
    fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseKey(fs.readFileSync(file, 'utf8'), file);
  }
}

function parseKey(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new RosterError('internal', `The key file ${file} must hold 64 hexadecimal characters`);
  }
  return Buffer.from(hex, 'hex');
}
