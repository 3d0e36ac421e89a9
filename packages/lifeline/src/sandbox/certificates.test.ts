/**
 * The certificate helpers against Node's real TLS verification: what a valid leaf, an expired, not yet
 * valid, misnamed, self-signed or foreign-CA certificate makes a client conclude.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { type Server, connect, createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  createCertificateAuthority,
  issueCertificate,
} from './certificates.js';

const DAY_MS = 86_400_000;
const servers: Server[] = [];

async function serve(certificate: IssuedCertificate): Promise<number> {
  const server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (socket) =>
    socket.end(),
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** 'ok' when the handshake verified, the OpenSSL/Node error code otherwise. */
async function verdict(port: number, trust: string | undefined, servername: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca: trust, servername }, () => {
      socket.end();
      resolve('ok');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('certificates', () => {
  let ca: CertificateAuthority;

  beforeAll(() => {
    ca = createCertificateAuthority({ commonName: 'Test CA', validDays: 30 });
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('creates a CA certificate with the requested name, validity and CA constraints', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.subject).toContain('CN=Test CA');
    expect(cert.ca).toBe(true);
    const validDays = (Date.parse(cert.validTo) - Date.now()) / DAY_MS;
    expect(validDays).toBeGreaterThan(29);
    expect(validDays).toBeLessThanOrEqual(30);
    expect(ca.keyPem).toContain('PRIVATE KEY');
  });

  it('issues a leaf that Node accepts for its DNS name and its IP addresses when the CA is trusted', async () => {
    const leaf = issueCertificate(ca, {
      commonName: 'localhost',
      altNames: ['localhost', '127.0.0.1', '::1'],
    });
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1']));

    const port = await serve(leaf);
    expect(await verdict(port, ca.certPem, 'localhost')).toBe('ok');
    expect(await verdict(port, undefined, 'localhost')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('makes an expired certificate fail with CERT_HAS_EXPIRED', async () => {
    const now = Date.now();
    const leaf = issueCertificate(ca, {
      commonName: 'localhost',
      notBefore: new Date(now - 90 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    });
    expect(await verdict(await serve(leaf), ca.certPem, 'localhost')).toBe('CERT_HAS_EXPIRED');
  });

  it('makes a certificate that is not valid yet fail with CERT_NOT_YET_VALID', async () => {
    const now = Date.now();
    const leaf = issueCertificate(ca, {
      commonName: 'localhost',
      notBefore: new Date(now + DAY_MS),
      notAfter: new Date(now + 90 * DAY_MS),
    });
    expect(await verdict(await serve(leaf), ca.certPem, 'localhost')).toBe('CERT_NOT_YET_VALID');
  });

  it('makes a certificate for another name fail hostname verification', async () => {
    const leaf = issueCertificate(ca, { commonName: 'api.vendor.test', altNames: ['api.vendor.test'] });
    const port = await serve(leaf);
    expect(await verdict(port, ca.certPem, 'localhost')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await verdict(port, ca.certPem, 'api.vendor.test')).toBe('ok');
  });

  it('makes a self-signed certificate fail unless it is trusted itself', async () => {
    const self = issueCertificate(ca, { commonName: 'localhost', selfSigned: true });
    expect(new X509Certificate(self.certPem).checkIssued(new X509Certificate(self.certPem))).toBe(true);
    const port = await serve(self);
    expect(await verdict(port, ca.certPem, 'localhost')).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await verdict(port, self.certPem, 'localhost')).toBe('ok');
  });

  it('self-signs when no authority is given', () => {
    const self = issueCertificate(null, { commonName: 'standalone.test' });
    const x509 = new X509Certificate(self.certPem);
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.subjectAltName).toBe('DNS:standalone.test');
  });

  it('rejects a leaf from another authority', async () => {
    const other = createCertificateAuthority({ commonName: 'Other CA' });
    const leaf = issueCertificate(other, { commonName: 'localhost' });
    expect(await verdict(await serve(leaf), ca.certPem, 'localhost')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
