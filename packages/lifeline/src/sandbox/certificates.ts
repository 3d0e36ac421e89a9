/**
 * Certificate helpers for TLS tests and the sandbox's HTTPS server: a throw-away certificate authority and
 * leaf certificates issued by it (or self-signed), valid, expired, not yet valid or for the wrong name, so
 * that tests can provoke every verdict a `tls` check or Node's own verification can reach, offline.
 *
 * Keys come from node:crypto (native, ~50 ms for RSA-2048); node-forge only assembles and signs the X.509
 * structures, because node:crypto cannot create certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A certificate authority able to issue leaves. Keep `keyPem` out of anything a client sees. */
export interface CertificateAuthority {
  commonName: string;
  certPem: string;
  keyPem: string;
}

/** A certificate and its private key, both PEM, ready for `tls.createServer({ cert, key })`. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CreateCertificateAuthorityOptions {
  /** Default `Lifeline Sandbox CA`. */
  commonName?: string;
  /** Default 3650 days from now. */
  validDays?: number;
}

export interface IssueCertificateOptions {
  commonName: string;
  /** DNS names and IP addresses (v4 or v6) for subjectAltName. Default: `[commonName]`. */
  altNames?: string[];
  /** Default: one hour ago, so a client whose clock is slightly behind still accepts it. */
  notBefore?: Date;
  /** Default: 365 days after now. A date in the past gives an expired certificate. */
  notAfter?: Date;
  /** Sign with the certificate's own key instead of the authority's (the authority is then ignored). */
  selfSigned?: boolean;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Creates a fresh certificate authority.
 *
 * @example
 * const ca = createCertificateAuthority();
 * const leaf = issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
 * https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, handler);
 * // clients: { ca: ca.certPem }
 */
export function createCertificateAuthority(
  options: CreateCertificateAuthorityOptions = {},
): CertificateAuthority {
  const commonName = options.commonName ?? 'Lifeline Sandbox CA';
  const validDays = options.validDays ?? 3650;
  const now = Date.now();
  const keys = generateRsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + validDays * DAY_MS);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Lifeline Sandbox' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { commonName, certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/**
 * Issues a server certificate (serverAuth) signed by `ca`, or self-signed when `selfSigned` is set or `ca`
 * is null.
 */
export function issueCertificate(
  ca: CertificateAuthority | null,
  options: IssueCertificateOptions,
): IssuedCertificate {
  const selfSigned = options.selfSigned === true || ca === null;
  const now = Date.now();
  const keys = generateRsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = options.notBefore ?? new Date(now - HOUR_MS);
  cert.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY_MS);
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);

  let signingKey = keys.privateKey;
  const extensions: object[] = [
    // A self-signed leaf marks itself as a CA so that it can be used as its own trust anchor (`ca: certPem`),
    // which is how `openssl req -x509` behaves too.
    { name: 'basicConstraints', cA: selfSigned, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: selfSigned,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: (options.altNames ?? [options.commonName]).map(toAltName) },
    { name: 'subjectKeyIdentifier' },
  ];
  if (selfSigned || ca === null) {
    cert.setIssuer(subject);
  } else {
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    cert.setIssuer(caCert.subject.attributes);
    extensions.push({
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    });
    signingKey = forge.pki.privateKeyFromPem(ca.keyPem);
  }
  cert.setExtensions(extensions);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

interface RsaKeys {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
}

function generateRsaKeys(): RsaKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    privateKeyPem: privateKey,
  };
}

/** RFC 5280 wants a positive serial of at most 20 octets; a clear top bit keeps the DER integer positive. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function toAltName(name: string): { type: number; value?: string; ip?: string } {
  // GeneralName tags from RFC 5280: 2 = dNSName, 7 = iPAddress.
  return isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name };
}
