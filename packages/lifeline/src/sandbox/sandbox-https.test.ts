/**
 * The sandbox as a TLS endpoint and as a process-level service: HTTPS works when the run-time CA is
 * trusted and fails as a client would see it for an untrusted CA, an expired certificate or a hostname
 * mismatch; both servers share state; the CA lands in `stateDir`; start-up failures are reported.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, type StartSandboxOptions, startSandbox } from './sandbox.js';
import { PAYMENTS_AUTH, send, testAuthority } from './test-support/http.js';

const DAY_MS = 86_400_000;
const started: RunningSandbox[] = [];
const agents: Agent[] = [];

async function start(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({
    httpPort: 0,
    httpsPort: 0,
    certificateAuthority: testAuthority(),
    ...options,
  });
  started.push(sandbox);
  return sandbox;
}

function agent(ca: string | undefined, servername?: string): Agent {
  const created = new Agent({ connect: { ca, ...(servername === undefined ? {} : { servername }) } });
  agents.push(created);
  return created;
}

/** 'ok' with the status, or the TLS error code the client saw. */
async function outcome(url: string, dispatcher: Agent): Promise<string> {
  try {
    const response = await send(url, { headers: PAYMENTS_AUTH, dispatcher });
    return `ok ${response.status}`;
  } catch (error) {
    const { code, cause } = error as { code?: string; cause?: { code?: string } };
    return code ?? cause?.code ?? String(error);
  }
}

async function peerCertificate(url: string, ca: string): Promise<X509Certificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw === undefined) reject(new Error('no peer certificate'));
      else resolve(raw);
    });
    socket.on('error', reject);
  });
}

afterAll(async () => {
  await Promise.all(started.map((sandbox) => sandbox.close()));
  await Promise.all(agents.map((created) => created.close()));
});

describe('sandbox over HTTPS', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await start();
  });

  it('serves the vendors over HTTPS to clients trusting caPem, and refuses others', async () => {
    expect(sandbox.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const url = `${sandbox.httpsUrl}/payments/v1/charges`;
    expect(await outcome(url, agent(sandbox.caPem))).toBe('ok 200');
    expect(await outcome(url, agent(undefined))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('presents a leaf for localhost, 127.0.0.1 and ::1, issued by the CA, valid for a year', async () => {
    const leaf = await peerCertificate(sandbox.httpsUrl ?? '', sandbox.caPem);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkIssued(new X509Certificate(sandbox.caPem))).toBe(true);
    const daysLeft = (Date.parse(leaf.validTo) - Date.now()) / DAY_MS;
    expect(daysLeft).toBeGreaterThan(364);
    expect(daysLeft).toBeLessThanOrEqual(365);
  });

  it('shares faults and counts between HTTP and HTTPS; the control API is HTTP only', async () => {
    const dispatcher = agent(sandbox.caPem);
    await send(`${sandbox.httpUrl}/_sandbox/faults/payments`, { method: 'PUT', body: { errorRate: 1 } });
    const response = await send(`${sandbox.httpsUrl}/payments/v1/charges`, {
      headers: PAYMENTS_AUTH,
      dispatcher,
    });
    expect(response.status).toBe(503);
    expect(sandbox.requests.count('payments', 'GET /payments/v1/charges')).toBeGreaterThanOrEqual(1);
    const control = await send(`${sandbox.httpsUrl}/_sandbox/faults`, { dispatcher });
    expect(control.status).toBe(404);
    sandbox.reset();
  });
});

describe('sandbox certificate options', () => {
  it('serves an expired certificate when expiresInDays is negative', async () => {
    const sandbox = await start({ certificate: { expiresInDays: -3 } });
    const url = `${sandbox.httpsUrl}/payments/v1/charges`;
    expect(await outcome(url, agent(sandbox.caPem))).toBe('CERT_HAS_EXPIRED');
  });

  it('serves a certificate that expires soon, for days-left warnings', async () => {
    const sandbox = await start({ certificate: { expiresInDays: 5 } });
    const leaf = await peerCertificate(sandbox.httpsUrl ?? '', sandbox.caPem);
    const daysLeft = (Date.parse(leaf.validTo) - Date.now()) / DAY_MS;
    expect(daysLeft).toBeGreaterThan(4.9);
    expect(daysLeft).toBeLessThanOrEqual(5);
    expect(await outcome(`${sandbox.httpsUrl}/payments/v1/charges`, agent(sandbox.caPem))).toBe('ok 200');
  });

  it('gives a hostname mismatch when the certificate names another host', async () => {
    const sandbox = await start({ certificate: { hostname: 'api.sandbox.test' } });
    const url = `${sandbox.httpsUrl}/payments/v1/charges`;
    expect(await outcome(url, agent(sandbox.caPem))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await outcome(url, agent(sandbox.caPem, 'localhost'))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await outcome(url, agent(sandbox.caPem, 'api.sandbox.test'))).toBe('ok 200');
  });
});

describe('sandbox lifecycle', () => {
  it('writes the CA to <stateDir>/sandbox-ca.pem', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'lifeline-sandbox-'));
    try {
      const sandbox = await start({ stateDir: join(stateDir, 'nested'), httpsPort: null });
      expect(sandbox.caFile).toBe(join(stateDir, 'nested', 'sandbox-ca.pem'));
      expect(await readFile(sandbox.caFile ?? '', 'utf8')).toBe(sandbox.caPem);
      expect(sandbox.httpsUrl).toBeUndefined();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('creates its own CA when none is given', async () => {
    const sandbox = await start({ certificateAuthority: undefined });
    expect(new X509Certificate(sandbox.caPem).subject).toContain('CN=Lifeline Sandbox CA');
    expect(await outcome(`${sandbox.httpsUrl}/payments/v1/charges`, agent(sandbox.caPem))).toBe('ok 200');
  });

  it('reports a port already in use, with the cause, and leaves nothing listening', async () => {
    const first = await start({ httpsPort: null });
    const port = Number(new URL(first.httpUrl).port);
    const failure = startSandbox({ httpPort: port, httpsPort: null, certificateAuthority: testAuthority() });
    await expect(failure).rejects.toThrow(/the sandbox could not start/);
    await expect(failure).rejects.toHaveProperty('cause.code', 'EADDRINUSE');
  });

  it('closes twice without complaint', async () => {
    const sandbox = await start();
    await sandbox.close();
    await sandbox.close();
    await expect(send(`${sandbox.httpUrl}/_sandbox/faults`)).rejects.toThrow();
  });
});
