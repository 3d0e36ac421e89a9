/**
 * One undici Agent per integration, so that its TLS settings (a CA bundle to trust, a server name for SNI, a
 * client certificate for mTLS) apply to its connections only, and connections are reused across runs. An
 * agent is keyed by a fingerprint of those settings: when a CA file or client certificate changes (a
 * rotation), the next run gets a fresh agent and the old one is closed. The pool owns its agents; `close()`
 * closes them all (the registry calls it on dispose).
 */
import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';

/** TLS material for an integration's connections, already read and resolved. */
export interface AgentTlsOptions {
  ca?: string;
  servername?: string;
  cert?: string;
  key?: string;
}

interface PooledAgent {
  fingerprint: string;
  agent: Agent;
}

export class AgentPool {
  readonly #agents = new Map<string, PooledAgent>();
  #closed = false;

  /** The agent for `integrationId` with these TLS settings; created on first use, replaced when they change. */
  get(integrationId: string, tls: AgentTlsOptions): Dispatcher {
    if (this.#closed) throw new Error('the check registry was disposed; create a new one');
    const fingerprint = fingerprintOf(tls);
    const pooled = this.#agents.get(integrationId);
    if (pooled !== undefined && pooled.fingerprint === fingerprint) return pooled.agent;
    const agent = new Agent({ connect: connectOptions(tls) });
    this.#agents.set(integrationId, { fingerprint, agent });
    // In-flight requests on the old agent finish; close() then releases its sockets.
    if (pooled !== undefined) void pooled.agent.close().catch(() => undefined);
    return agent;
  }

  /** How many agents are open (for tests and metrics). */
  get size(): number {
    return this.#agents.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const agents = [...this.#agents.values()].map((pooled) => pooled.agent);
    this.#agents.clear();
    // destroy(), not close(): a hanging request must not keep shutdown waiting.
    await Promise.all(agents.map((agent) => agent.destroy().catch(() => undefined)));
  }
}

function connectOptions(tls: AgentTlsOptions): Agent.Options['connect'] {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
  };
}

/** A digest, so that the pool never keeps a private key as a map key or in a message. */
function fingerprintOf(tls: AgentTlsOptions): string {
  if (
    tls.ca === undefined &&
    tls.servername === undefined &&
    tls.cert === undefined &&
    tls.key === undefined
  ) {
    return '';
  }
  const hash = createHash('sha256');
  for (const part of [tls.ca, tls.servername, tls.cert, tls.key])
    hash.update(`${part?.length ?? -1}:${part ?? ''}`);
  return hash.digest('hex');
}
