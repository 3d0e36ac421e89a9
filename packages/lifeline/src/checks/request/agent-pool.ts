/**
 * One undici Agent per set of TLS settings (a CA bundle to trust, a server name for SNI, a client certificate
 * for mTLS), so those settings apply only to the integrations that declare them and connections are reused
 * across runs and across integrations that share settings. An agent is keyed by a fingerprint of the settings:
 * when a CA file or client certificate changes (a rotation), the next run gets a fresh agent. The pool owns its
 * agents; `close()` closes them all (the registry calls it on dispose).
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

  /**
   * The agent for these TLS settings, created on first use. Integrations with the same settings share one agent,
   * so checks of many integrations behind one gateway reuse the same keep-alive connections (undici pools per
   * origin inside an agent); `integrationId` only names the caller in errors.
   */
  get(integrationId: string, tls: AgentTlsOptions): Dispatcher {
    if (this.#closed)
      throw new Error(`the check registry was disposed; create a new one (integration ${integrationId})`);
    const fingerprint = fingerprintOf(tls);
    let pooled = this.#agents.get(fingerprint);
    if (pooled === undefined) {
      pooled = { fingerprint, agent: new Agent({ connect: connectOptions(tls) }) };
      this.#agents.set(fingerprint, pooled);
    }
    return pooled.agent;
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
