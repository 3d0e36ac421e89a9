/**
 * Path templates of endpoints (`/v1/charges/{id}`): filling `{name}` from a check's `pathParams` with each
 * value URL-encoded as one segment, and joining the result onto the integration's base URL (which may carry a
 * path of its own, e.g. `https://api.example.com/payments`).
 */

/** The result of filling a template: the path, or every parameter that had no value. */
export type FilledPath = { ok: true; path: string } | { ok: false; missing: string[] };

const PLACEHOLDER = /\{([^{}/]+)\}/g;

/** The names of the placeholders in a template, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * Fills every `{name}` of `template`; a value is encoded as one path segment (a `/` in it becomes `%2F`).
 * @example
 *   fillPathTemplate('/v1/charges/{id}', { id: 'ch 1' }) // { ok: true, path: '/v1/charges/ch%201' }
 *   fillPathTemplate('/v1/charges/{id}', {})             // { ok: false, missing: ['id'] }
 */
export function fillPathTemplate(
  template: string,
  params: Readonly<Record<string, string>> = {},
): FilledPath {
  const missing = placeholdersOf(template).filter((name) => !Object.hasOwn(params, name));
  if (missing.length > 0) return { ok: false, missing: [...new Set(missing)] };
  const path = template.replace(PLACEHOLDER, (_whole, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  return { ok: true, path };
}

/**
 * Appends `path` to the base URL's own path (never replacing it, as `new URL(path, base)` would for a path
 * starting with `/`), then the query; a query the base URL has is kept.
 * @example
 *   joinUrl('http://127.0.0.1:4480/identity', '/v1/userinfo').href // 'http://127.0.0.1:4480/identity/v1/userinfo'
 */
export function joinUrl(baseUrl: string, path: string, query: readonly [string, string][] = []): URL {
  const search = query.length === 0 ? '' : new URLSearchParams(query).toString();
  if (!baseUrl.includes('?') && !baseUrl.includes('#')) {
    // The common case in one parse: this runs for every check run.
    return new URL(`${baseUrl.replace(/\/+$/, '')}${path}${search === '' ? '' : `?${search}`}`);
  }
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  for (const [name, value] of query) url.searchParams.append(name, value);
  return url;
}
