// TLS per integration through real HTTPS servers: the integration's CA bundle and servername, a server that
// nobody told us to trust (class tls), and mutual TLS with a client certificate from a secret.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueCertificate,
  type CertificateAuthority,
  type IssuedCertificate,
} from '../../sandbox/index.js';
import type { Auth, Check, Integration } from '../../workspace/model.js';
import { createCheckRegistry, type CheckRegistry } from '../registry.js';
import { runCheck } from '../runner.js';
import { testIntegration, testWorkspace } from '../test-support/workspace.js';

let ca: CertificateAuthority;
let dir: string;
let registry: CheckRegistry;
let loopback: IssuedCertificate;
let vendorLeaf: IssuedCertificate;
const servers: Server[] = [];

beforeAll(async () => {
  // Every key is made once here: key generation is the slow part of these tests.
  ca = createCertificateAuthority({ commonName: 'Checks Test CA' });
  loopback = issueCertificate(ca, { commonName: 'localhost', altNames: ['localhost', '127.0.0.1'] });
  vendorLeaf = issueCertificate(ca, { commonName: 'api.vendor.test', altNames: ['api.vendor.test'] });
  const client = issueCertificate(ca, { commonName: 'lifeline-client' });
  const rogue = issueCertificate(ca, { commonName: 'rogue-client', selfSigned: true });
  dir = await mkdtemp(join(tmpdir(), 'lifeline-tls-'));
  await writeFile(join(dir, 'ca.pem'), ca.certPem);
  await writeFile(join(dir, 'client.pem'), client.certPem);
  await writeFile(join(dir, 'client.key'), client.keyPem);
  await writeFile(join(dir, 'rogue.pem'), rogue.certPem);
  await writeFile(join(dir, 'rogue.key'), rogue.keyPem);
  registry = createCheckRegistry();
});
afterAll(async () => {
  await registry.dispose();
  for (const server of servers) server.close();
  await rm(dir, { recursive: true, force: true });
});

/** An HTTPS server on 127.0.0.1 with `leaf` as its certificate; `mutual` requires a client certificate. */
async function httpsServer(leaf: IssuedCertificate, mutual = false): Promise<string> {
  const server = createServer(
    {
      cert: leaf.certPem,
      key: leaf.keyPem,
      ...(mutual ? { ca: ca.certPem, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (request, response) => {
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ client: peer.subject?.CN ?? null }));
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function integration(baseUrl: string, fields: Partial<Integration> = {}): Integration {
  return testIntegration({ baseUrl, endpoints: [{ id: 'root', method: 'GET', path: '/' }], ...fields });
}

const check: Check = {
  kind: 'http',
  id: 'up',
  endpoint: 'root',
  expect: { body: [{ pointer: '/client', exists: true }] },
};

async function run(target: Integration) {
  // Relative paths and file secrets resolve against the workspace dir for an integration without a declaration.
  return runCheck(
    { integration: target, check },
    { workspace: testWorkspace([target], { dir }), now: Date.now, registry },
  );
}

describe('TLS settings of an integration', () => {
  it('trusts the integration CA bundle; without it the server is class tls', async () => {
    const url = await httpsServer(loopback);
    expect(await run(integration(url, { id: 'trusted', tls: { ca: 'ca.pem' } }))).toMatchObject({
      class: 'ok',
      status: 200,
    });
    const untrusted = await run(integration(url, { id: 'untrusted' }));
    expect(untrusted).toMatchObject({ ok: false, class: 'tls' });
    expect(untrusted.errorCode).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/,
    );
  });

  it('servername picks the name the certificate must carry', async () => {
    const url = await httpsServer(vendorLeaf);
    const wrongName = await run(integration(url, { id: 'by-ip', tls: { ca: 'ca.pem' } }));
    expect(wrongName).toMatchObject({ class: 'tls', errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const named = await run(
      integration(url, { id: 'by-name', tls: { ca: 'ca.pem', servername: 'api.vendor.test' } }),
    );
    expect(named).toMatchObject({ class: 'ok' });
  });

  it('mutual TLS presents the client certificate from the secrets', async () => {
    const url = await httpsServer(loopback, true);
    const mtls: Auth = {
      type: 'mtls',
      certificate: { source: 'file', name: 'client.pem' },
      key: { source: 'file', name: 'client.key' },
    };
    const ok = await run(integration(url, { id: 'mtls', auth: mtls, tls: { ca: 'ca.pem' } }));
    expect(ok).toMatchObject({ class: 'ok', status: 200 });
    const without = await run(integration(url, { id: 'no-client-cert', tls: { ca: 'ca.pem' } }));
    expect(without.ok).toBe(false);
  });

  it('a refused client certificate fails with a hint at the likely cause, never showing the key', async () => {
    const url = await httpsServer(loopback, true);
    const rogue: Auth = {
      type: 'mtls',
      certificate: { source: 'file', name: 'rogue.pem' },
      key: { source: 'file', name: 'rogue.key' },
    };
    const result = await run(integration(url, { id: 'rogue', auth: rogue, tls: { ca: 'ca.pem' } }));
    expect(result.ok).toBe(false);
    // TLS 1.3 servers close the connection (`unreachable`); TLS 1.2 ones send an alert (`credential`).
    if (result.class === 'unreachable') expect(result.message).toContain('client certificate was refused');
    else expect(result.class).toBe('credential');
    expect(result.message).not.toContain('PRIVATE KEY');
  });
});
