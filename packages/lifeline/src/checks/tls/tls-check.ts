/**
 * The `tls` check kind: where to connect (the check's `host`/`port`, else the integration's https base URL),
 * what to trust (the integration's CA bundle, else the system store), which name to expect (its `servername`),
 * and for mTLS integrations the client certificate, whose expiry is judged too. The handshake itself is in
 * `tls-inspect.ts`, the judgement in `tls-verdict.ts`; problems with the integration's own files become `tls`
 * outcomes with a message, never exceptions, so one bad CA path cannot crash the scheduler.
 */
import { readFile } from 'node:fs/promises';
import { isConfigError } from '../../errors.js';
import type { Check, Integration } from '../../workspace/model.js';
import { describeSecret } from '../../workspace/values.js';
import type { CheckKindRunner, CheckOutcome, CheckRunContext } from '../check-kind.js';
import { inspectClientCertificate, type ClientCertificateStatus } from './client-certificate.js';
import { inspectTls } from './tls-inspect.js';
import { tlsVerdict } from './tls-verdict.js';

type TlsCheck = Extract<Check, { kind: 'tls' }>;

/** Default of `minDaysLeft`, as documented in the check schema. */
export const DEFAULT_MIN_DAYS_LEFT = 14;

const HTTPS_PORT = 443;

/** Where a tls check connects. */
export interface TlsTarget {
  host: string;
  port: number;
}

/** Either what the check needs, or the outcome explaining why it cannot run. */
type Prepared<T> = { ok: true; value: T } | { ok: false; outcome: CheckOutcome };

export const tlsCheck: CheckKindRunner<'tls'> = {
  kind: 'tls',
  async run(check: TlsCheck, context: CheckRunContext): Promise<CheckOutcome> {
    const { integration } = context;
    const target = tlsTarget(check, integration);
    if (!target.ok) return target.outcome;
    const ca = await readCaBundle(integration, context);
    if (!ca.ok) return ca.outcome;
    const client = await clientCertificate(integration, context);
    if (!client.ok) return client.outcome;

    const servername = integration.tls?.servername;
    const inspection = await inspectTls({
      ...target.value,
      ...(servername === undefined ? {} : { servername }),
      ...(ca.value === undefined ? {} : { ca: ca.value }),
      ...(client.value?.pair === undefined ? {} : { clientCertificate: client.value.pair }),
      timeoutMs: context.timeoutMs,
      signal: context.signal,
      now: context.now,
    });
    const outcome = tlsVerdict({
      ...target.value,
      inspection,
      minDaysLeft: check.minDaysLeft ?? DEFAULT_MIN_DAYS_LEFT,
      ...(client.value === undefined ? {} : { clientCertificate: client.value.status }),
      now: context.now(),
    });
    return inspection.kind === 'handshake' ? { ...outcome, latencyMs: inspection.handshakeMs } : outcome;
  },
};

/**
 * The check's `host`/`port` win; otherwise the base URL's host, and its port when it is https (default 443).
 * An http base URL without an explicit host or port names no TLS endpoint, which is a configuration mistake.
 */
export function tlsTarget(check: TlsCheck, integration: Integration): Prepared<TlsTarget> {
  let url: URL;
  try {
    url = new URL(integration.baseUrl);
  } catch {
    return misconfigured(`base URL ${integration.baseUrl} is not a URL; set \`host\` on the tls check`);
  }
  const https = url.protocol === 'https:';
  if (!https && check.host === undefined && check.port === undefined) {
    return misconfigured(
      `base URL ${integration.baseUrl} is not https; set \`host\` and \`port\` on the tls check`,
    );
  }
  // URL keeps the brackets of an IPv6 literal (`[::1]`); sockets want the bare address.
  const host = check.host ?? url.hostname.replace(/^\[(.*)\]$/, '$1');
  const urlPort = https && check.host === undefined && url.port !== '' ? Number(url.port) : HTTPS_PORT;
  return { ok: true, value: { host, port: check.port ?? urlPort } };
}

async function readCaBundle(
  integration: Integration,
  context: CheckRunContext,
): Promise<Prepared<string | undefined>> {
  const relative = integration.tls?.ca;
  if (relative === undefined) return { ok: true, value: undefined };
  const path = context.resolvePath(relative);
  let pem: string;
  try {
    pem = await readFile(path, { encoding: 'utf8', signal: context.signal });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    return misconfigured(`CA file ${relative} (${path}) ${why}`, code);
  }
  // Node silently ignores a bundle without certificates and would then trust nothing, misleadingly.
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    return misconfigured(`CA file ${relative} (${path}) contains no PEM certificate`, 'CA_FILE_INVALID');
  }
  return { ok: true, value: pem };
}

interface ClientCertificate {
  status: ClientCertificateStatus;
  /** Presented in the handshake when both secrets resolved. */
  pair?: { cert: string; key: string };
}

async function clientCertificate(
  integration: Integration,
  context: CheckRunContext,
): Promise<Prepared<ClientCertificate | undefined>> {
  const { auth } = integration;
  if (auth.type !== 'mtls') return { ok: true, value: undefined };
  const label = describeSecret(auth.certificate);
  let cert: string;
  let key: string;
  try {
    cert = await context.resolveSecret(auth.certificate);
  } catch (error) {
    return misconfigured(
      `client certificate ${label} cannot be resolved: ${secretError(error)}`,
      'SECRET_UNRESOLVED',
    );
  }
  try {
    key = await context.resolveSecret(auth.key);
  } catch (error) {
    const keyLabel = describeSecret(auth.key);
    return misconfigured(
      `client key ${keyLabel} cannot be resolved: ${secretError(error)}`,
      'SECRET_UNRESOLVED',
    );
  }
  const status = inspectClientCertificate(cert, label, context.now());
  return { ok: true, value: { status, ...(status.kind === 'parsed' ? { pair: { cert, key } } : {}) } };
}

/** ConfigError messages name the reference, never the value; other errors are not trusted to. */
function secretError(error: unknown): string {
  return isConfigError(error) ? error.message : 'the secret resolver failed';
}

function misconfigured<T>(message: string, errorCode = 'TLS_CHECK_MISCONFIGURED'): Prepared<T> {
  return { ok: false, outcome: { class: 'tls', message, errorCode } };
}
