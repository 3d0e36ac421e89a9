/**
 * The API version an integration is pinned to, applied to one request the way the vendor expects it: a header
 * (`Pay-Version: 2024-06-20`), a query parameter (`?api-version=2025-01-01`) or a path segment (`/v2/...`).
 * What a check states explicitly in its own `request` wins, so a check can probe the next version early.
 */
import type { Integration } from '../../workspace/model.js';

export type ApiVersion = NonNullable<Integration['apiVersion']>;

export const DEFAULT_VERSION_HEADER = 'Api-Version';
export const DEFAULT_VERSION_QUERY = 'api-version';

/** Placeholder names a template may use to put the version exactly where it belongs. */
const VERSION_PLACEHOLDERS = ['apiVersion', 'version'] as const;

/** The parts of a request the version may go into; changed in place. */
export interface VersionTarget {
  pathTemplate: string;
  pathParams: Record<string, string>;
  headers: Record<string, string>;
  query: [string, string][];
}

/**
 * Applies `apiVersion` to the request parts.
 *
 * For `in: path`: a `{apiVersion}` (or `{version}`) placeholder in the template is filled with it; otherwise a
 * template that already starts with the version segment (`/v2/carriers` for `v2`) is left alone, since most
 * workspaces write the version into their paths; otherwise the segment is put in front.
 */
export function applyApiVersion(apiVersion: ApiVersion | undefined, target: VersionTarget): void {
  if (apiVersion === undefined) return;
  switch (apiVersion.in) {
    case 'header': {
      const name = apiVersion.name ?? DEFAULT_VERSION_HEADER;
      const present = Object.keys(target.headers).some((key) => key.toLowerCase() === name.toLowerCase());
      if (!present) target.headers[name] = apiVersion.value;
      return;
    }
    case 'query': {
      const name = apiVersion.name ?? DEFAULT_VERSION_QUERY;
      if (!target.query.some(([key]) => key === name)) target.query.push([name, apiVersion.value]);
      return;
    }
    case 'path':
      applyToPath(apiVersion.value, target);
      return;
  }
}

function applyToPath(value: string, target: VersionTarget): void {
  const placeholder = VERSION_PLACEHOLDERS.find((name) => target.pathTemplate.includes(`{${name}}`));
  if (placeholder !== undefined) {
    target.pathParams[placeholder] ??= value;
    return;
  }
  const segment = `/${encodeURIComponent(value)}`;
  const template = target.pathTemplate;
  if (template === segment || template.startsWith(`${segment}/`)) return;
  target.pathTemplate = `${segment}${template}`;
}
