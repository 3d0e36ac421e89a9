/**
 * inspectTls against real servers on loopback: what it reports about a certificate and its chain, how trust
 * and hostname are judged apart, and that refusals, silence, non-TLS answers and aborts are told apart and
 * always release the socket. Two RSA keys for the whole file (CA and one leaf).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  createCertificateAuthority,
  issueCertificate,
} from '../../sandbox/certificates.js';
import { inspectTls, type InspectTlsOptions, type TlsInspection } from './tls-inspect.js';
import { createTestServers, refusedPort, type TestServer } from './tls-test-servers.js';

const servers = createTestServers();
let ca: CertificateAuthority;
let leaf: IssuedCertificate;
/** Sends leaf and CA, like a server configured with a full chain. */
let chainServer: TestServer;
let chainPort: number;
/** Sends the leaf alone. */
let leafPort: number;

beforeAll(async () => {
  ca = createCertificateAuthority({ commonName: 'Inspect Test CA' });
  leaf = issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
  chainServer = await servers.tls({ cert: leaf.certPem + ca.certPem, key: leaf.keyPem });
  chainPort = chainServer.port;
  leafPort = (await servers.tls({ cert: leaf.certPem, key: leaf.keyPem })).port;
});

afterAll(() => servers.closeAll());

function inspect(port: number, options: Partial<InspectTlsOptions> = {}): Promise<TlsInspection> {
  return inspectTls({
    host: '127.0.0.1',
    port,
    timeoutMs: 5000,
    signal: new AbortController().signal,
    now: Date.now,
    ...options,
  });
}

function handshake(result: TlsInspection): Extract<TlsInspection, { kind: 'handshake' }> {
  if (result.kind !== 'handshake') throw new Error(`expected a handshake, got ${JSON.stringify(result)}`);
  return result;
}

describe('inspectTls', () => {
  it('describes a certificate that chains to the given CA, then closes the connection', async () => {
    const seen = handshake(await inspect(chainPort, { ca: ca.certPem }));
    expect(seen).toMatchObject({
      trusted: true,
      hostname: '127.0.0.1',
      hostnameMatches: true,
      protocol: 'TLSv1.3',
      chainLength: 2,
    });
    expect(seen.authorizationError).toBeUndefined();
    expect(seen.certificate).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=Inspect Test CA, O=Lifeline Sandbox',
      names: ['localhost', '127.0.0.1'],
      selfSigned: false,
      expired: false,
      notYetValid: false,
    });
    expect(seen.certificate.daysLeft).toBeGreaterThanOrEqual(364);
    expect(seen.certificate.daysLeft).toBeLessThanOrEqual(365);
    expect(Date.parse(seen.certificate.validTo)).toBeGreaterThan(Date.parse(seen.certificate.validFrom));
    expect(seen.handshakeMs).toBeGreaterThanOrEqual(0);
    await chainServer.connectionsClosed();
  });

  it('counts days against the injected clock', async () => {
    const seen = handshake(
      await inspect(chainPort, { ca: ca.certPem, now: () => Date.now() + 400 * 86_400_000 }),
    );
    expect(seen.certificate.expired).toBe(true);
    expect(seen.certificate.daysLeft).toBeLessThan(0);
  });

  it('reports why a chain is not trusted without the CA, and still describes the certificate', async () => {
    const withRoot = handshake(await inspect(chainPort));
    expect(withRoot).toMatchObject({ trusted: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const leafOnly = handshake(await inspect(leafPort));
    expect(leafOnly).toMatchObject({ trusted: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(leafOnly.certificate.subject).toBe('CN=localhost');
  });

  it('judges the hostname apart from trust, against the servername', async () => {
    const seen = handshake(await inspect(chainPort, { ca: ca.certPem, servername: 'api.other.example' }));
    expect(seen).toMatchObject({
      trusted: true,
      hostname: 'api.other.example',
      hostnameMatches: false,
      hostnameError: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('reports a refused connection as unreachable', async () => {
    expect(await inspect(await refusedPort())).toMatchObject({
      kind: 'unreachable',
      errorCode: 'ECONNREFUSED',
    });
  });

  it('times out a handshake the server never answers and closes the connection', async () => {
    const silent = await servers.silent();
    expect(await inspect(silent.port, { timeoutMs: 150 })).toEqual({
      kind: 'timeout',
      phase: 'handshake',
      timeoutMs: 150,
    });
    await silent.connectionsClosed();
  });

  it('stops when aborted mid-handshake and closes the connection', async () => {
    const silent = await servers.silent();
    const controller = new AbortController();
    const pending = inspect(silent.port, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({ kind: 'aborted', phase: 'handshake' });
    await silent.connectionsClosed();
  });

  it('does not connect when the signal is already aborted', async () => {
    expect(await inspect(await refusedPort(), { signal: AbortSignal.abort() })).toEqual({
      kind: 'aborted',
      phase: 'connect',
    });
  });

  it('recognises a server that does not speak TLS', async () => {
    const plain = await servers.plain();
    expect(await inspect(plain.port)).toMatchObject({
      kind: 'handshake-failed',
      errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
  });

  it('reports a client key that does not match its certificate without quoting either', async () => {
    const result = await inspect(chainPort, { clientCertificate: { cert: leaf.certPem, key: ca.keyPem } });
    expect(result).toMatchObject({ kind: 'handshake-failed' });
    expect(JSON.stringify(result)).not.toContain('BEGIN');
  });
});
