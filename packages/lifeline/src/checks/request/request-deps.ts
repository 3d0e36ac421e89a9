/**
 * The long-lived state requests share across check runs: the undici agents per integration and the OAuth2
 * token cache. Made by the check registry and passed to the kinds explicitly (no process-wide state); closed
 * when the registry is disposed.
 */
import { AgentPool } from './agent-pool.js';
import { TokenCache, type TokenCacheOptions } from './token-cache.js';

export interface RequestDeps {
  agents: AgentPool;
  tokens: TokenCache;
}

export function createRequestDeps(options: { tokens?: TokenCacheOptions } = {}): RequestDeps {
  return { agents: new AgentPool(), tokens: new TokenCache(options.tokens) };
}

/** Closes every agent (cutting requests still in flight). */
export async function closeRequestDeps(deps: RequestDeps): Promise<void> {
  await deps.agents.close();
}
