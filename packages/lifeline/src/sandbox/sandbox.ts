/**
 * Starts the sandbox vendor: the three fake APIs (payments, shipping, identity) on a plain HTTP server and,
 * unless disabled, on an HTTPS server whose certificate comes from a CA made at start, plus the control API
 * on the HTTP server. Both servers share one state, so a fault set through either path applies to both.
 * Where to look: fault kinds and their order in `faults.ts` / `fault-controller.ts`, the schema-drift
 * pointer table in `schema-variants.ts`, the control API in `control-api.ts`, credentials in `credentials.ts`.
 *
 * @example
 * const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
 * sandbox.setFaults('payments', { latencyMs: 300, errorRate: 0.2 });
 * const headers = { authorization: 'Bearer sk_test_lifeline' };
 * await fetch(`${sandbox.httpUrl}/payments/v1/charges`, { headers }); // slow, sometimes 503
 * await sandbox.close();
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  createCertificateAuthority,
  issueCertificate,
} from './certificates.js';
import { registerControlApi } from './control-api.js';
import { Inbox, registerInbox, type InboxMessage } from './inbox.js';
import { FaultController } from './fault-controller.js';
import type { FaultsByVendor, VendorFaults, VendorFaultsPatch, VendorName } from './faults.js';
import { type RequestCounts, RequestCounter } from './request-counter.js';
import { type VendorContext, registerVendor } from './vendor.js';
import { identityVendor } from './vendors/identity.js';
import { paymentsVendor } from './vendors/payments.js';
import { shippingVendor } from './vendors/shipping.js';

export interface SandboxCertificateOptions {
  /** Days until the HTTPS certificate expires; default 365. Zero or negative gives an expired one. */
  expiresInDays?: number;
  /**
   * Name in the HTTPS certificate; default `localhost`, which also covers 127.0.0.1 and ::1. Any other name
   * is the only one in the certificate, so connecting by IP or as localhost meets a hostname mismatch.
   */
  hostname?: string;
}

export interface StartSandboxOptions {
  /** Listen address of both servers; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 4480; 0 picks a free port. */
  httpPort?: number;
  /** Default 4481; 0 picks a free port; null serves no HTTPS. */
  httpsPort?: number | null;
  certificate?: SandboxCertificateOptions;
  /** When set, the CA certificate is written to `<stateDir>/sandbox-ca.pem` for clients to trust. */
  stateDir?: string;
  /** Reuse an authority (e.g. across test files) instead of creating one; saves a key generation. */
  certificateAuthority?: CertificateAuthority;
  /** Default seed of the `errorRate` draws; default 1. */
  seed?: number;
  /** Clock for rate-limit windows, token and idempotency expiry, `created` times; default `Date.now`. */
  now?: () => number;
}

/** Read access to the per-route request counts. */
export interface SandboxRequestLog {
  /** Requests `vendor` received, on `route` (`METHOD /template`) when given. */
  count(vendor: VendorName, route?: string): number;
  snapshot(): RequestCounts;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:4480`: vendors under `/payments`, `/shipping`, `/identity`; control at `/_sandbox`. */
  httpUrl: string;
  /** `https://127.0.0.1:4481`, absent when HTTPS is off. Serves the vendors, not the control API. */
  httpsUrl?: string;
  /** The CA to trust for `httpsUrl` (`ca: caPem` in Node, undici or `tls`). */
  caPem: string;
  /** Where the CA was written, when `stateDir` was given. */
  caFile?: string;
  /** Merges a partial update into `vendor`'s faults; `null` clears a field. Throws `SandboxFaultError`. */
  setFaults(vendor: VendorName, faults: VendorFaultsPatch): VendorFaults;
  getFaults(): FaultsByVendor;
  /** Clears every fault, rate-limit window and request count; vendor data (charges, tokens) is kept. */
  reset(): void;
  requests: SandboxRequestLog;
  /** Notifications channels delivered to `/_sandbox/inbox/*` (the example workspace's channels point there). */
  inbox: { list(): InboxMessage[]; clear(): void };
  /** Stops both servers, cutting delayed and hanging requests. Safe to call twice. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const ca =
    options.certificateAuthority ?? createCertificateAuthority({ commonName: 'Lifeline Sandbox CA' });
  const closing = new AbortController();
  const hanging = new Set<Socket>();
  const faults = new FaultController({ seed: options.seed ?? 1, now });
  const requests = new RequestCounter();
  const inbox = new Inbox();
  const context: VendorContext = { faults, requests, now, closing: closing.signal, hanging };
  const reset = (): void => {
    faults.reset();
    requests.clear();
  };

  const servers: FastifyInstance[] = [];
  const close = async (): Promise<void> => {
    if (!closing.signal.aborted) closing.abort();
    for (const socket of hanging) socket.destroy();
    await Promise.all(servers.map((server) => server.close()));
  };

  try {
    const httpApp = buildApp(context, undefined);
    registerControlApi(httpApp, { faults, requests, caPem: ca.certPem, reset });
    registerInbox(httpApp, inbox, now);
    servers.push(httpApp);
    const httpPort = await listen(httpApp, host, options.httpPort ?? 4480);

    let httpsUrl: string | undefined;
    const httpsPort = options.httpsPort === undefined ? 4481 : options.httpsPort;
    if (httpsPort !== null) {
      const leaf = issueServerCertificate(ca, options.certificate ?? {});
      const httpsApp = buildApp(context, { cert: leaf.certPem, key: leaf.keyPem });
      servers.push(httpsApp);
      httpsUrl = `https://${urlHost(host)}:${await listen(httpsApp, host, httpsPort)}`;
    }

    let caFile: string | undefined;
    if (options.stateDir !== undefined) {
      await mkdir(options.stateDir, { recursive: true });
      caFile = join(options.stateDir, 'sandbox-ca.pem');
      await writeFile(caFile, ca.certPem);
    }

    return {
      httpUrl: `http://${urlHost(host)}:${httpPort}`,
      ...(httpsUrl === undefined ? {} : { httpsUrl }),
      caPem: ca.certPem,
      ...(caFile === undefined ? {} : { caFile }),
      setFaults: (vendor, patch) => faults.set(vendor, patch),
      getFaults: () => faults.all(),
      reset,
      requests: {
        count: (vendor, route) => requests.count(vendor, route),
        snapshot: () => requests.snapshot(),
      },
      inbox: { list: () => inbox.list(), clear: () => inbox.clear() },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the sandbox could not start: ${reason}`, { cause: error });
  }
}

function buildApp(context: VendorContext, tls: { cert: string; key: string } | undefined): FastifyInstance {
  // forceCloseConnections: close() must not wait for keep-alive or hanging connections.
  const app: FastifyInstance =
    tls === undefined
      ? Fastify({ logger: false, forceCloseConnections: true })
      : Fastify({ logger: false, forceCloseConnections: true, https: tls });
  for (const vendor of [paymentsVendor, shippingVendor, identityVendor]) registerVendor(app, vendor, context);
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message:
        `No route ${request.method} ${request.url}. Vendors live under /payments, /shipping and /identity; ` +
        'the control API under /_sandbox (HTTP only).',
    }),
  );
  return app;
}

/** Leaf for the HTTPS server, issued by the run-time CA with the configured name and validity. */
function issueServerCertificate(
  ca: CertificateAuthority,
  options: SandboxCertificateOptions,
): IssuedCertificate {
  const hostname = options.hostname ?? 'localhost';
  const expiresInDays = options.expiresInDays ?? 365;
  const now = Date.now();
  const notAfter = new Date(now + expiresInDays * DAY_MS);
  // An expired certificate was valid once: give it a plausible 90-day life that ended `-expiresInDays` ago.
  const notBefore = expiresInDays > 0 ? new Date(now - HOUR_MS) : new Date(notAfter.getTime() - 90 * DAY_MS);
  const altNames = hostname === 'localhost' ? ['localhost', '127.0.0.1', '::1'] : [hostname];
  return issueCertificate(ca, { commonName: hostname, altNames, notBefore, notAfter });
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  return (app.server.address() as AddressInfo).port;
}

/** The address clients should use: a wildcard listen address is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
