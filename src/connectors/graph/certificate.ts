import { X509Certificate, createPrivateKey } from 'node:crypto';
import { invalidInput } from '../../errors.js';
import type { GraphCredential } from './graph-settings.js';

/**
 * Reads a PEM file holding the app's certificate and its private key (as `openssl req -x509
 * -nodes … -keyout k -out c; cat k c` makes it). Entra knows the certificate by its thumbprint;
 * MSAL signs the client assertion with the key. The private key is normalised to PKCS#8, the
 * form MSAL expects.
 */
export function parseCertificatePem(pem: string): {
  credential: Extract<GraphCredential, { kind: 'certificate' }>;
  notAfter: string;
} {
  const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const keyBlock =
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
  if (certificateBlock === undefined)
    throw invalidInput('The certificate PEM holds no CERTIFICATE block', 'certificatePem');
  if (keyBlock === undefined)
    throw invalidInput('The certificate PEM holds no PRIVATE KEY block', 'certificatePem');
  let certificate: X509Certificate;
  let privateKey: string;
  try {
    certificate = new X509Certificate(certificateBlock);
    privateKey = createPrivateKey(keyBlock).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (cause) {
    throw invalidInput(
      `The certificate PEM could not be read: ${(cause as Error).message}`,
      'certificatePem',
    );
  }
  if (!certificate.checkPrivateKey(createPrivateKey(privateKey))) {
    throw invalidInput('The private key does not belong to the certificate', 'certificatePem');
  }
  return {
    credential: {
      kind: 'certificate',
      privateKey,
      certificate: certificateBlock,
      thumbprintSha256: certificate.fingerprint256.replaceAll(':', '').toLowerCase(),
    },
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}
