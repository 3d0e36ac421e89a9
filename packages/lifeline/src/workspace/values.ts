/**
 * Strict parsers for the scalar values of the workspace format. They return `undefined` on bad input so the
 * loader can report a diagnostic with position; nothing here throws.
 */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30s` → 30000. Only a number and one unit; `1h30m`, `30`, `-5s` and `5 min` are rejected. */
export function parseDuration(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * (DURATION_UNITS[match[2]!] ?? Number.NaN);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** 90000 → `90s`; picks the largest unit that divides evenly, for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** `1%` → 0.01. Values above 100% are rejected. */
export function parsePercentage(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value <= 100 ? value / 100 : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** `1MB` → 1000000, `1MiB` → 1048576. */
export function parseSize(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB|KiB|MiB|GiB)$/.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * SIZE_UNITS[match[2]!]!);
}

/**
 * A secret as the workspace holds it: a reference resolved only at the moment of use. A `literal` is a secret
 * written inline; the loader warns about it, and it is never printed.
 */
export type SecretReference =
  { source: 'env'; name: string } | { source: 'file'; name: string } | { source: 'literal'; value: string };

export function parseSecretReference(text: string): SecretReference {
  const match = /^\$\{(env|file):([^}]+)\}$/.exec(text);
  if (!match) return { source: 'literal', value: text };
  return { source: match[1] as 'env' | 'file', name: match[2]! };
}

/** How a secret reference is shown anywhere (CLI, API, logs): never the value. */
export function describeSecret(ref: SecretReference): string {
  return ref.source === 'literal' ? '<inline secret>' : `\${${ref.source}:${ref.name}}`;
}

/** Values that look like credentials: vendor key prefixes, JWTs, long random tokens. */
export function looksLikeSecret(text: string): boolean {
  if (/^\$\{(env|file):/.test(text)) return false;
  if (/^(sk|pk|rk|shp|ghp|gho|xox[abpr]|glpat)[-_]/i.test(text) || /^(AKIA|ASIA)[0-9A-Z]{16}$/.test(text))
    return true;
  if (/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(text)) return true;
  return (
    text.length >= 24 && /^[A-Za-z0-9_\-+/=]+$/.test(text) && /[0-9]/.test(text) && /[A-Za-z]/.test(text)
  );
}
