/**
 * The `tls` check kind end to end against real TLS servers on 127.0.0.1, with certificates crafted by the
 * sandbox's CA: every verdict a responder can meet (valid, expired, expiring, wrong name, untrusted,
 * unreachable, timeout, mTLS client certificate, broken CA configuration). Six RSA keys for the whole file;
 * the expiring and valid leaves double as mTLS client certificates.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../errors.js';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  createCertificateAuthority,
  issueCertificate,
} from '../../sandbox/certificates.js';
import type { Check, Integration, Workspace } from '../../workspace/model.js';
import type { SecretReference } from '../../workspace/values.js';
import type { CheckRunContext } from '../check-kind.js';
import { DAY_MS } from './certificate-validity.js';
import { tlsCheck, tlsTarget } from './tls-check.js';
import { createTestServers, refusedPort } from './tls-test-servers.js';

type TlsCheck = Extract<Check, { kind: 'tls' }>;

const servers = createTestServers();
let dir: string;
let ca: CertificateAuthority;
type LeafName = 'valid' | 'expired' | 'expiring' | 'wrongName' | 'selfSigned';
let leaves: Record<LeafName, IssuedCertificate>;
const ports = new Map<LeafName, number>();

beforeAll(async () => {
  const now = Date.now();
  ca = createCertificateAuthority({ commonName: 'Check Test CA' });
  const local = ['localhost', '127.0.0.1'];
  leaves = {
    valid: issueCertificate(ca, { commonName: 'localhost', altNames: local }),
    expired: issueCertificate(ca, {
      commonName: 'api.example.com',
      altNames: ['api.example.com', '127.0.0.1'],
      notBefore: new Date(now - 30 * DAY_MS),
      notAfter: new Date(now - 3 * DAY_MS),
    }),
    // One hour over five days, so that "days left" is 5 for the whole test run.
    expiring: issueCertificate(ca, {
      commonName: 'soon.example',
      altNames: ['soon.example', '127.0.0.1'],
      notAfter: new Date(now + 5 * DAY_MS + 3_600_000),
    }),
    wrongName: issueCertificate(ca, { commonName: 'wrong.example' }),
    selfSigned: issueCertificate(null, { commonName: 'localhost', altNames: local }),
  };
  for (const [name, leaf] of Object.entries(leaves) as [LeafName, IssuedCertificate][]) {
    ports.set(name, (await servers.tls({ cert: leaf.certPem, key: leaf.keyPem })).port);
  }
  dir = await mkdtemp(join(tmpdir(), 'lifeline-tls-check-'));
  await writeFile(join(dir, 'ca.pem'), ca.certPem);
  await writeFile(join(dir, 'not-a-ca.pem'), 'hello\n');
});

afterAll(async () => {
  await servers.closeAll();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function integration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: 'payments',
    name: 'Payments',
    owner: 'platform',
    baseUrl: 'https://127.0.0.1',
    auth: { type: 'none' },
    endpoints: [],
    tls: { ca: 'ca.pem' },
    ...overrides,
  };
}

function context(
  of: Integration,
  options: { timeoutMs?: number; secrets?: Record<string, string> } = {},
): CheckRunContext {
  const secrets = options.secrets ?? {};
  return {
    workspace: { dir, integrations: [of] } as unknown as Workspace,
    integration: of,
    signal: new AbortController().signal,
    timeoutMs: options.timeoutMs ?? 5000,
    now: Date.now,
    resolveSecret: async (ref: SecretReference) => {
      if (ref.source === 'literal') return ref.value;
      const value = secrets[ref.name];
      // Like the real resolver: a ConfigError naming the reference.
      if (value === undefined) throw new ConfigError('secret-unresolved', `\`${ref.name}\` is not set`);
      return value;
    },
    resolvePath: (relative) => join(dir, relative),
  };
}

function check(port: number, extra: Partial<TlsCheck> = {}): TlsCheck {
  return { kind: 'tls', id: 'certificate', host: '127.0.0.1', port, ...extra };
}

function portOf(name: LeafName): number {
  const port = ports.get(name);
  if (port === undefined) throw new Error(`no server for ${name}`);
  return port;
}

const ISO_DAY = String.raw`\d{4}-\d{2}-\d{2}`;

describe('tlsCheck', () => {
  it('passes for a certificate trusted through the integration CA, taking host and port from the base URL', async () => {
    const of = integration({ baseUrl: `https://127.0.0.1:${portOf('valid')}/v1` });
    const outcome = await tlsCheck.run({ kind: 'tls', id: 'certificate' }, context(of));
    expect(outcome.class).toBe('ok');
    expect(outcome.message).toMatch(new RegExp(`^expires in 36[45] days \\(${ISO_DAY}\\)$`));
    expect(outcome.errorCode).toBeUndefined();
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.tls).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=Check Test CA, O=Lifeline Sandbox',
      selfSigned: false,
      trusted: true,
      hostnameMatches: true,
      protocol: 'TLSv1.3',
    });
    expect(outcome.tls?.daysLeft).toBeGreaterThanOrEqual(364);
  });

  it('fails an expired certificate with negative days left', async () => {
    const outcome = await tlsCheck.run(check(portOf('expired')), context(integration()));
    expect(outcome).toMatchObject({ class: 'tls', errorCode: 'CERT_HAS_EXPIRED' });
    expect(outcome.message).toMatch(
      new RegExp(`^certificate for 127\\.0\\.0\\.1 expired 3 days ago \\(${ISO_DAY}\\)$`),
    );
    expect(outcome.tls?.daysLeft).toBeLessThan(-2);
  });

  it('fails a certificate with fewer days left than minDaysLeft, and passes with a lower minimum', async () => {
    const soon = await tlsCheck.run(check(portOf('expiring'), { minDaysLeft: 14 }), context(integration()));
    expect(soon).toMatchObject({ class: 'tls', errorCode: 'CERT_EXPIRES_SOON', tls: { daysLeft: 5 } });
    expect(soon.message).toMatch(
      new RegExp(`^expires in 5 days \\(${ISO_DAY}\\); renew before 14 days are left$`),
    );
    const relaxed = await tlsCheck.run(check(portOf('expiring'), { minDaysLeft: 5 }), context(integration()));
    expect(relaxed).toMatchObject({ class: 'ok', tls: { daysLeft: 5 } });
  });

  it('defaults minDaysLeft to 14', async () => {
    expect(await tlsCheck.run(check(portOf('expiring')), context(integration()))).toMatchObject({
      class: 'tls',
    });
  });

  it('fails when the expected hostname is not on the certificate', async () => {
    const of = integration({ tls: { ca: 'ca.pem', servername: 'localhost' } });
    const outcome = await tlsCheck.run(check(portOf('wrongName')), context(of));
    expect(outcome).toMatchObject({
      class: 'tls',
      errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
      message: 'hostname localhost does not match the certificate (names: wrong.example)',
      tls: { trusted: true, hostnameMatches: false },
    });
  });

  it('fails a self-signed certificate as untrusted', async () => {
    const outcome = await tlsCheck.run(check(portOf('selfSigned')), context(integration({ tls: {} })));
    expect(outcome).toMatchObject({
      class: 'tls',
      errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      message: 'certificate is not trusted: self-signed',
      tls: { selfSigned: true, trusted: false, hostnameMatches: true },
    });
  });

  it('fails a certificate from an authority the system store does not know', async () => {
    const outcome = await tlsCheck.run(check(portOf('valid')), context(integration({ tls: undefined })));
    expect(outcome).toMatchObject({ class: 'tls', errorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(outcome.message).toBe(
      'certificate is not trusted: issued by an unknown authority (issuer: CN=Check Test CA, O=Lifeline Sandbox)',
    );
  });

  it('reports a refused port as unreachable, without a TLS summary', async () => {
    const outcome = await tlsCheck.run(check(await refusedPort()), context(integration()));
    expect(outcome).toMatchObject({ class: 'unreachable', errorCode: 'ECONNREFUSED' });
    expect(outcome.message).toMatch(/^connection to 127\.0\.0\.1:\d+ refused \(ECONNREFUSED\)$/);
    expect(outcome.tls).toBeUndefined();
  });

  it('times out on a server that accepts TCP but never completes the handshake', async () => {
    const silent = await servers.silent();
    const outcome = await tlsCheck.run(check(silent.port), context(integration(), { timeoutMs: 200 }));
    expect(outcome).toMatchObject({ class: 'timeout', errorCode: 'ERR_TLS_HANDSHAKE_TIMEOUT' });
    expect(outcome.message).toContain('did not complete within 200ms');
    await silent.connectionsClosed();
  });

  it('fails on a CA file that does not exist, naming it', async () => {
    const of = integration({ tls: { ca: 'certs/missing.pem' } });
    const outcome = await tlsCheck.run(check(portOf('valid')), context(of));
    expect(outcome).toMatchObject({ class: 'tls', errorCode: 'ENOENT' });
    expect(outcome.message).toBe(
      `CA file certs/missing.pem (${join(dir, 'certs/missing.pem')}) does not exist`,
    );
  });

  it('fails on a CA file without a certificate', async () => {
    const outcome = await tlsCheck.run(
      check(portOf('valid')),
      context(integration({ tls: { ca: 'not-a-ca.pem' } })),
    );
    expect(outcome).toMatchObject({ class: 'tls', errorCode: 'CA_FILE_INVALID' });
  });
});

describe('tlsCheck with mTLS', () => {
  const mtls: Integration['auth'] = {
    type: 'mtls',
    certificate: { source: 'env', name: 'CLIENT_CERT' },
    key: { source: 'env', name: 'CLIENT_KEY' },
  };
  let requiring: { port: number; clientSubjects: string[] };

  beforeAll(async () => {
    requiring = await servers.tls({
      cert: leaves.valid.certPem,
      key: leaves.valid.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });

  function secretsOf(client: IssuedCertificate): Record<string, string> {
    return { CLIENT_CERT: client.certPem, CLIENT_KEY: client.keyPem };
  }

  it('presents the client certificate and passes when it is far from expiry', async () => {
    const outcome = await tlsCheck.run(
      check(requiring.port),
      context(integration({ auth: mtls }), { secrets: secretsOf(leaves.valid) }),
    );
    expect(outcome).toMatchObject({ class: 'ok', tls: { trusted: true } });
    // Server and client share this process: the server sees the handshake on a later turn of the event loop.
    await vi.waitFor(() => expect(requiring.clientSubjects).toContain('localhost'));
  });

  it('fails when the client certificate expires within minDaysLeft, naming it but never quoting it', async () => {
    const outcome = await tlsCheck.run(
      check(requiring.port),
      context(integration({ auth: mtls }), { secrets: secretsOf(leaves.expiring) }),
    );
    expect(outcome).toMatchObject({
      class: 'tls',
      errorCode: 'CLIENT_CERT_EXPIRES_SOON',
      tls: { trusted: true },
    });
    expect(outcome.message).toMatch(
      new RegExp(
        `^client certificate \\$\\{env:CLIENT_CERT\\} \\(CN=soon\\.example\\) expires in 5 days \\(${ISO_DAY}\\); renew before 14 days are left$`,
      ),
    );
    expect(JSON.stringify(outcome)).not.toContain('BEGIN');
  });

  it('fails when the client certificate has expired', async () => {
    const outcome = await tlsCheck.run(
      check(requiring.port),
      context(integration({ auth: mtls }), { secrets: secretsOf(leaves.expired) }),
    );
    expect(outcome).toMatchObject({ class: 'tls', errorCode: 'CLIENT_CERT_HAS_EXPIRED' });
    expect(outcome.message).toMatch(
      /^client certificate \$\{env:CLIENT_CERT\} \(CN=api\.example\.com\) expired 3 days ago/,
    );
  });

  it('fails when the client certificate secret is not a certificate or cannot be resolved', async () => {
    const garbage = await tlsCheck.run(
      check(requiring.port),
      context(integration({ auth: mtls }), { secrets: { CLIENT_CERT: 'not a pem', CLIENT_KEY: 'x' } }),
    );
    expect(garbage).toMatchObject({
      class: 'tls',
      errorCode: 'CLIENT_CERT_UNREADABLE',
      message: 'client certificate ${env:CLIENT_CERT} is not a PEM certificate',
    });
    const missing = await tlsCheck.run(check(requiring.port), context(integration({ auth: mtls })));
    expect(missing).toMatchObject({ class: 'tls', errorCode: 'SECRET_UNRESOLVED' });
    expect(missing.message).toBe(
      'client certificate ${env:CLIENT_CERT} cannot be resolved: `CLIENT_CERT` is not set',
    );
  });
});

describe('tlsTarget', () => {
  const tlsOnly = (extra: Partial<TlsCheck> = {}): TlsCheck => ({ kind: 'tls', id: 'c', ...extra });
  const target = (baseUrl: string, extra: Partial<TlsCheck> = {}) =>
    tlsTarget(tlsOnly(extra), integration({ baseUrl }));

  it('takes host and port from an https base URL, 443 by default', () => {
    expect(target('https://api.example.com/v1')).toEqual({
      ok: true,
      value: { host: 'api.example.com', port: 443 },
    });
    expect(target('https://api.example.com:8443')).toEqual({
      ok: true,
      value: { host: 'api.example.com', port: 8443 },
    });
    expect(target('https://[::1]:8443')).toEqual({ ok: true, value: { host: '::1', port: 8443 } });
  });

  it("lets the check's host and port win", () => {
    expect(target('https://api.example.com:8443', { host: 'edge.example.com' })).toEqual({
      ok: true,
      value: { host: 'edge.example.com', port: 443 },
    });
    expect(target('http://api.example.com', { port: 8443 })).toEqual({
      ok: true,
      value: { host: 'api.example.com', port: 8443 },
    });
  });

  it('refuses an http base URL without an explicit host or port', () => {
    expect(target('http://api.example.com')).toMatchObject({
      ok: false,
      outcome: { class: 'tls', errorCode: 'TLS_CHECK_MISCONFIGURED' },
    });
  });
});
