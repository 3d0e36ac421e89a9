/**
 * The TLS material of an integration's connections, read at the moment of use: the CA bundle to trust
 * (`tls.ca`, a file relative to the declaring file), the server name for SNI (`tls.servername`), and for mTLS
 * the client certificate and key (secrets). Problems are outcomes: an unreadable CA file is a configuration
 * `assertion`; an unresolvable client key is a `credential` failure.
 */
import { readFile } from 'node:fs/promises';
import type { Integration } from '../../workspace/model.js';
import type { CheckOutcome, CheckRunContext } from '../check-kind.js';
import type { AgentTlsOptions } from './agent-pool.js';
import { secretUnresolved } from './token-cache.js';

export type TlsMaterial =
  { ok: true; tls: AgentTlsOptions; sensitive: string[] } | { ok: false; outcome: CheckOutcome };

const NO_TLS_MATERIAL: TlsMaterial = Object.freeze({ ok: true, tls: Object.freeze({}), sensitive: [] });

/** Most integrations have no TLS settings: that case returns at once (no file read, no secret). */
export function loadTlsMaterial(
  integration: Integration,
  context: Pick<CheckRunContext, 'resolveSecret' | 'resolvePath'>,
): TlsMaterial | Promise<TlsMaterial> {
  if (integration.tls === undefined && integration.auth.type !== 'mtls') return NO_TLS_MATERIAL;
  return readTlsMaterial(integration, context);
}

async function readTlsMaterial(
  integration: Integration,
  context: Pick<CheckRunContext, 'resolveSecret' | 'resolvePath'>,
): Promise<TlsMaterial> {
  const tls: AgentTlsOptions = {};
  const sensitive: string[] = [];
  if (integration.tls?.ca !== undefined) {
    try {
      tls.ca = await readFile(context.resolvePath(integration.tls.ca), 'utf8');
    } catch {
      const message = `cannot read the CA bundle \`${integration.tls.ca}\` (integration tls.ca)`;
      return { ok: false, outcome: { class: 'assertion', errorCode: 'ca-unreadable', message } };
    }
  }
  if (integration.tls?.servername !== undefined) tls.servername = integration.tls.servername;
  const auth = integration.auth;
  if (auth.type === 'mtls') {
    try {
      tls.cert = await context.resolveSecret(auth.certificate);
      tls.key = await context.resolveSecret(auth.key);
    } catch (error) {
      return { ok: false, outcome: secretUnresolved(error) };
    }
    sensitive.push(tls.key);
  }
  return { ok: true, tls, sensitive };
}
