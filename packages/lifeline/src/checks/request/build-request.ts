/**
 * Builds the HTTP request a check sends to an endpoint of an integration: base URL + filled path template,
 * query, headers and JSON body from the check, the pinned API version, authentication, and the integration's
 * undici agent (CA bundle, server name, mTLS certificate). A problem in the declaration (a missing path
 * parameter, a bad URL, an unreadable secret) is a clear outcome, never an exception.
 */
import type { Dispatcher } from 'undici';
import type { Check, Endpoint, Integration } from '../../workspace/model.js';
import type { CheckOutcome, CheckRunContext } from '../check-kind.js';
import { applyApiVersion, type VersionTarget } from './api-version.js';
import { applyAuth } from './auth.js';
import { fillPathTemplate, joinUrl } from './path-template.js';
import type { RequestDeps } from './request-deps.js';
import type { OutgoingRequest } from './send.js';
import { loadTlsMaterial } from './tls-material.js';
import type { AccessToken } from './token-cache.js';

/** What a check may add to the request its endpoint implies (`request:` of `http` and `schema` checks). */
export type RequestOverrides = NonNullable<Extract<Check, { kind: 'http' }>['request']>;

/** Which request to build. */
export interface RequestTarget {
  integration: Integration;
  endpoint: Endpoint;
  request?: RequestOverrides;
}

export interface PreparedRequest extends OutgoingRequest {
  /** Secret values this request carries (resolved secrets, the access token): scrub them from messages. */
  sensitive: string[];
  /** The OAuth2 token it carries, when the integration uses client credentials. */
  token?: AccessToken;
}

export type Prepared =
  { ok: true; request: PreparedRequest } | { ok: false; outcome: CheckOutcome; sensitive: string[] };

/**
 * @example
 *   const prepared = await prepareRequest({ integration, endpoint, request: check.request }, context, deps);
 *   if (!prepared.ok) return prepared.outcome;
 *   const sent = await sendRequest(prepared.request, { signal, timeoutMs, maxBytes });
 */
export async function prepareRequest(
  target: RequestTarget,
  context: CheckRunContext,
  deps: RequestDeps,
): Promise<Prepared> {
  const parts = requestParts(target);
  const path = resolvePath(target, parts);
  if (!path.ok) return { ok: false, outcome: path.outcome, sensitive: [] };

  const material = loadTlsMaterial(target.integration, context);
  const tls = material instanceof Promise ? await material : material;
  if (!tls.ok) return { ok: false, outcome: tls.outcome, sensitive: [] };
  const dispatcher: Dispatcher = deps.agents.get(target.integration.id, tls.tls);

  const auth = await applyAuth(target.integration.auth, parts, deps.tokens, { ...context, dispatcher });
  const sensitive = [...tls.sensitive, ...auth.sensitive];
  if (!auth.ok) return { ok: false, outcome: auth.outcome, sensitive };

  let url: URL;
  try {
    url = joinUrl(target.integration.baseUrl, path.path, parts.query);
  } catch {
    const message = `baseUrl of integration ${target.integration.id} is not a valid URL`;
    return { ok: false, outcome: { class: 'assertion', errorCode: 'base-url-invalid', message }, sensitive };
  }
  const body = target.request?.body === undefined ? undefined : JSON.stringify(target.request.body);
  if (body !== undefined && !hasHeader(parts.headers, 'content-type')) {
    parts.headers['content-type'] = 'application/json';
  }
  const request: PreparedRequest = {
    method: target.endpoint.method,
    url,
    headers: parts.headers,
    dispatcher,
    sensitive,
    ...(body === undefined ? {} : { body }),
    ...(auth.token === undefined ? {} : { token: auth.token }),
  };
  return { ok: true, request };
}

/** Copies of the check's request parts (the workspace is frozen) with the API version applied. */
function requestParts(target: RequestTarget): VersionTarget {
  const overrides = target.request ?? {};
  const parts: VersionTarget = {
    pathTemplate: target.endpoint.path,
    pathParams: { ...overrides.pathParams },
    headers: { ...overrides.headers },
    query: Object.entries(overrides.query ?? {}),
  };
  if (!hasHeader(parts.headers, 'accept')) parts.headers.accept = 'application/json';
  applyApiVersion(target.integration.apiVersion, parts);
  return parts;
}

type PathResult = { ok: true; path: string } | { ok: false; outcome: CheckOutcome };

function resolvePath(target: RequestTarget, parts: VersionTarget): PathResult {
  const filled = fillPathTemplate(parts.pathTemplate, parts.pathParams);
  if (filled.ok) return filled;
  const names = filled.missing.map((name) => `{${name}}`).join(', ');
  const message =
    `path parameter ${names} of ${target.endpoint.method} ${target.endpoint.path} has no value; ` +
    'set it in the check under request.pathParams';
  return { ok: false, outcome: { class: 'assertion', errorCode: 'path-param-missing', message } };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
