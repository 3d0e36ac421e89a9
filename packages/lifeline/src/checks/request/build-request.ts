/**
 * Builds the HTTP request a check sends to an endpoint of an integration: base URL + filled path template,
 * query, headers and JSON body from the check, the pinned API version, authentication, and the integration's
 * undici agent (CA bundle, server name, mTLS certificate). A problem in the declaration (a missing path
 * parameter, a bad URL, an unreadable secret) is a clear outcome, never an exception.
 */
import type { Dispatcher } from 'undici';
import type { Check, Endpoint, Integration } from '../../workspace/model.js';
import { requestSignalOf } from '../attempt-abort.js';
import type { CheckOutcome, CheckRunContext } from '../check-kind.js';
import { applyApiVersion, type VersionTarget } from './api-version.js';
import { applyAuth } from './auth.js';
import { fillPathTemplate, joinUrl } from './path-template.js';
import type { RequestDeps } from './request-deps.js';
import type { OutgoingRequest } from './send.js';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.js';
import type { AccessToken, TokenContext } from './token-cache.js';

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
  return prepareRequestNow(target, context, deps);
}

/**
 * `prepareRequest` that answers at once, without a promise, when there is nothing to wait for (no CA file, no
 * secret to resolve, no token): the common case, and the one that runs thousands of times a second.
 */
export function prepareRequestNow(
  target: RequestTarget,
  context: CheckRunContext,
  deps: RequestDeps,
): Prepared | Promise<Prepared> {
  const plan = planRequest(target);
  if (!plan.path.ok) return { ok: false, outcome: plan.path.outcome, sensitive: [] };
  const path = plan.path.path;
  const material = loadTlsMaterial(target.integration, context);
  if (material instanceof Promise)
    return material.then((tls) => withTls(target, plan, path, tls, context, deps));
  return withTls(target, plan, path, material, context, deps);
}

function withTls(
  target: RequestTarget,
  plan: RequestPlan,
  path: string,
  tls: TlsMaterial,
  context: CheckRunContext,
  deps: RequestDeps,
): Prepared | Promise<Prepared> {
  if (!tls.ok) return { ok: false, outcome: tls.outcome, sensitive: [] };
  const dispatcher: Dispatcher = deps.agents.get(target.integration.id, tls.tls);
  const headers = { ...plan.headers };
  const auth = target.integration.auth;
  if (auth.type === 'none' || auth.type === 'mtls') {
    const sensitive = tls.sensitive.length === 0 ? [] : [...tls.sensitive];
    return finish(target, plan, plan.address, { headers, dispatcher, sensitive });
  }
  return withAuth(target, plan, path, tls.sensitive, context, deps, { headers, dispatcher });
}

/** Secrets are resolved here, at the moment of use, on every run. */
async function withAuth(
  target: RequestTarget,
  plan: RequestPlan,
  path: string,
  tlsSensitive: readonly string[],
  context: CheckRunContext,
  deps: RequestDeps,
  parts: { headers: Record<string, string>; dispatcher: Dispatcher },
): Promise<Prepared> {
  const auth = target.integration.auth;
  const authParts = { headers: parts.headers, query: [...plan.query] };
  const applied = await applyAuth(auth, authParts, deps.tokens, tokenContext(context, parts.dispatcher));
  const sensitive = [...tlsSensitive, ...applied.sensitive];
  if (!applied.ok) return { ok: false, outcome: applied.outcome, sensitive };
  // Auth only ever adds to the query (an API key there); otherwise the planned address stands.
  const address =
    authParts.query.length === plan.query.length
      ? plan.address
      : addressOf(target.integration.baseUrl, path, authParts.query);
  const request = { ...parts, sensitive, ...(applied.token === undefined ? {} : { token: applied.token }) };
  return finish(target, plan, address, request);
}

/** The request from its address and parts; a base URL that is not a URL is reported here, after auth. */
function finish(
  target: RequestTarget,
  plan: RequestPlan,
  address: Address | undefined,
  parts: {
    headers: Record<string, string>;
    dispatcher: Dispatcher;
    sensitive: string[];
    token?: AccessToken;
  },
): Prepared {
  if (address === undefined) {
    const message = `baseUrl of integration ${target.integration.id} is not a valid URL`;
    const outcome: CheckOutcome = { class: 'assertion', errorCode: 'base-url-invalid', message };
    return { ok: false, outcome, sensitive: parts.sensitive };
  }
  if (plan.body !== undefined && !hasHeader(parts.headers, 'content-type')) {
    parts.headers['content-type'] = 'application/json';
  }
  const request = new BuiltRequest(
    target.endpoint.method,
    address,
    parts.headers,
    parts.dispatcher,
    parts.sensitive,
  );
  if (plan.body !== undefined) request.body = plan.body;
  if (parts.token !== undefined) request.token = parts.token;
  return { ok: true, request };
}

/** A prepared request whose `url` object is made only when someone reads it: sending needs only its text. */
class BuiltRequest implements PreparedRequest {
  readonly origin: string;
  readonly path: string;
  declare body?: string;
  declare token?: AccessToken;
  readonly #href: string;
  #url: URL | undefined;

  constructor(
    readonly method: Dispatcher.HttpMethod,
    address: Address,
    readonly headers: Record<string, string>,
    readonly dispatcher: Dispatcher,
    readonly sensitive: string[],
  ) {
    this.origin = address.origin;
    this.path = address.path;
    this.#href = address.href;
  }

  get url(): URL {
    this.#url ??= new URL(this.#href);
    return this.#url;
  }
}

/** What minting a token needs, with the attempt's cheapest abort handle (no AbortSignal made for it). */
function tokenContext(context: CheckRunContext, dispatcher: Dispatcher): TokenContext {
  return {
    now: context.now,
    signal: requestSignalOf(context),
    timeoutMs: context.timeoutMs,
    resolveSecret: context.resolveSecret,
    dispatcher,
  };
}

/** Where a request goes: the URL as text and the parts undici dispatches on. */
interface Address {
  href: string;
  origin: string;
  path: string;
}

function addressOf(baseUrl: string, path: string, query: readonly [string, string][]): Address | undefined {
  let url: URL;
  try {
    url = joinUrl(baseUrl, path, query);
  } catch {
    return undefined;
  }
  return { href: url.href, origin: url.origin, path: `${url.pathname}${url.search}` };
}

/**
 * What a request to this target is before auth: the filled path, headers (accept, the check's, the API
 * version), query, JSON body text and address. All of it follows from the declaration alone.
 */
interface RequestPlan {
  path: PathResult;
  headers: Readonly<Record<string, string>>;
  query: readonly [string, string][];
  body?: string;
  /** Undefined when the base URL is not a valid URL (reported after auth, as always). */
  address?: Address;
}

interface EndpointPlans {
  integration: Integration;
  plain?: RequestPlan;
  withOverrides: WeakMap<RequestOverrides, RequestPlan>;
}

/**
 * Plans remembered per endpoint object, only for frozen declarations (the loader deep-freezes a workspace): a
 * memo of immutable values. A target built in memory is planned afresh on every run.
 */
const plans = new WeakMap<Endpoint, EndpointPlans>();

function planRequest(target: RequestTarget): RequestPlan {
  const { integration, endpoint, request: overrides } = target;
  const frozen =
    Object.isFrozen(integration) &&
    Object.isFrozen(endpoint) &&
    (overrides === undefined || Object.isFrozen(overrides));
  if (!frozen) return makePlan(target);
  let known = plans.get(endpoint);
  if (known === undefined || known.integration !== integration) {
    known = { integration, withOverrides: new WeakMap() };
    plans.set(endpoint, known);
  }
  if (overrides === undefined) return (known.plain ??= makePlan(target));
  let plan = known.withOverrides.get(overrides);
  if (plan === undefined) {
    plan = makePlan(target);
    known.withOverrides.set(overrides, plan);
  }
  return plan;
}

function makePlan(target: RequestTarget): RequestPlan {
  const parts = requestParts(target);
  const path = resolvePath(target, parts);
  const body = target.request?.body === undefined ? undefined : JSON.stringify(target.request.body);
  const address = path.ok ? addressOf(target.integration.baseUrl, path.path, parts.query) : undefined;
  return {
    path,
    headers: parts.headers,
    query: parts.query,
    ...(body === undefined ? {} : { body }),
    ...(address === undefined ? {} : { address }),
  };
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
