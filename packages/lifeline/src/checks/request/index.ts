/**
 * Building and sending check requests: URL from the endpoint template, API version, auth (with the OAuth2 token
 * cache), TLS per integration, and the capped, classified exchange the `http`, `credential` and `schema`
 * kinds share.
 */
export { AgentPool, type AgentTlsOptions } from './agent-pool.js';
export { applyApiVersion, type ApiVersion, type VersionTarget } from './api-version.js';
export { applyAuth, type AppliedAuth, type AuthTarget } from './auth.js';
export {
  prepareRequest,
  type Prepared,
  type PreparedRequest,
  type RequestOverrides,
  type RequestTarget,
} from './build-request.js';
export { exchange, scrub, type Exchange, type ExchangeOptions } from './exchange.js';
export { parseJsonBody, type JsonBody } from './json-body.js';
export { fillPathTemplate, joinUrl, placeholdersOf, type FilledPath } from './path-template.js';
export { closeRequestDeps, createRequestDeps, type RequestDeps } from './request-deps.js';
export {
  sendRequest,
  type OutgoingRequest,
  type ReceivedResponse,
  type SendOptions,
  type SendResult,
} from './send.js';
export {
  TokenCache,
  secretUnresolved,
  type AccessToken,
  type TokenCacheOptions,
  type TokenContext,
  type TokenResult,
} from './token-cache.js';
export { type OAuth2ClientCredentials } from './oauth-token-request.js';
