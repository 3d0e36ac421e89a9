/**
 * Shape validation of one parsed file against the format's JSON Schema (ajv), turning ajv's errors into
 * diagnostics a person can act on: the key or value at fault, what was expected, and a suggestion.
 */
import type { ErrorObject } from 'ajv';
import { workspaceValidators } from './validators.js';
import { VALUE_KIND_KEYWORD, type ValueKind } from './schema/primitives.js';
import { suggestion, type DiagnosticCode, type DiagnosticList } from './diagnostics.js';
import { positionOf, type DataPath, type SourceFile } from './source-file.js';
import { looksLikeSecret } from './values.js';
import type { SecretUse } from './decoder.js';

/** Validates a file's data; reports diagnostics; returns the set of top-level collection items that are invalid. */
export function validateShape(
  file: SourceFile,
  role: 'root' | 'included',
  diagnostics: DiagnosticList,
): { invalidItems: Set<string> } {
  const validate = workspaceValidators()[role];
  const data = file.data as object;
  validate(data);
  const invalidItems = new Set<string>();
  for (const error of relevantErrors(validate.errors ?? [], data)) {
    const path = pointerToPath(error.instancePath);
    if (path.length >= 2) invalidItems.add(`${path[0]}/${path[1]}`);
    reportError(file, error, path, role, diagnostics);
  }
  return { invalidItems };
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const TAGS = ['type', 'kind', 'signal', 'action'] as const;
/** Settings of the whole workspace: only the root file may set them. */
const ROOT_ONLY_KEYS: readonly string[] = ['version', 'name', 'defaults', 'changes', 'alerts'];

/** The property whose `const` tells the variants of a tagged union apart, if the schema is one. */
function tagOf(schema: unknown): string | undefined {
  const variants = (schema as { anyOf?: { properties?: Record<string, { const?: unknown }> }[] }).anyOf;
  if (!variants?.length) return undefined;
  return TAGS.find((tag) => variants.every((v) => typeof v.properties?.[tag]?.const === 'string'));
}

/**
 * ajv reports every failed branch of an `anyOf` plus the `anyOf` itself. For a tagged union (auth `type`, check
 * `kind`, signal, step `action`) keep only the errors of the branch the tag selects, or one error about the tag;
 * for other unions keep only the summary.
 */
function relevantErrors(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const extra: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branchPrefix = `${error.schemaPath}/`;
    const tag = tagOf(error.parentSchema);
    const value = valueAt(data, pointerToPath(error.instancePath));
    const tagValue =
      tag && value && typeof value === 'object' ? (value as Record<string, unknown>)[tag] : undefined;
    const variants = (error.parentSchema as { anyOf: { properties?: Record<string, { const?: unknown }> }[] })
      .anyOf;
    const selected = tag ? variants.findIndex((v) => v.properties?.[tag]?.const === tagValue) : -1;
    for (const other of errors) {
      // Errors inside a `$ref`'d schema have schema paths relative to it; the instance path tells them apart.
      const inside =
        other.instancePath === error.instancePath || other.instancePath.startsWith(`${error.instancePath}/`);
      if (!inside || !other.schemaPath.startsWith(branchPrefix)) continue;
      if (selected >= 0 && other.schemaPath.startsWith(`${branchPrefix}${selected}/`)) continue;
      dropped.add(other);
    }
    if (tag && value && typeof value === 'object' && !Array.isArray(value)) {
      dropped.add(error);
      if (selected < 0) extra.push({ ...error, keyword: 'discriminator', params: { tag, tagValue } });
    }
  }
  const seen = new Set<string>();
  return [...errors.filter((e) => !dropped.has(e)), ...extra].filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const KIND_MESSAGES: Record<ValueKind, { code: DiagnosticCode; expected: string; hint: string }> = {
  id: {
    code: 'invalid-id',
    expected: 'an id',
    hint: 'ids use letters, digits, `.`, `_` and `-`, start with a letter or digit, at most 64 characters',
  },
  duration: {
    code: 'invalid-duration',
    expected: 'a duration',
    hint: 'write a number and one unit: `500ms`, `30s`, `15m`, `2h`, `90d`, `1w`',
  },
  percentage: {
    code: 'invalid-percentage',
    expected: 'a percentage',
    hint: 'write a number and `%`, at most 100: `1%`, `99.9%`',
  },
  size: {
    code: 'invalid-size',
    expected: 'a size',
    hint: 'write a number and a unit: `512KB`, `5MB`, `1MiB`',
  },
  secret: {
    code: 'invalid-value',
    expected: 'a secret reference',
    hint: 'write `${env:NAME}` or `${file:path}`',
  },
  'secret-or-text': {
    code: 'invalid-value',
    expected: 'a string',
    hint: 'write a string, or `${env:NAME}` for a secret',
  },
  url: {
    code: 'invalid-url',
    expected: 'an http(s) URL',
    hint: 'write an absolute URL such as `https://api.example.com`',
  },
  'json-pointer': {
    code: 'invalid-pointer',
    expected: 'a JSON pointer',
    hint: 'a JSON pointer starts with `/`, e.g. `/data/0/amount`',
  },
  'http-status': {
    code: 'invalid-value',
    expected: 'an HTTP status',
    hint: 'write a status such as `200` or `2XX`',
  },
};

function reportError(
  file: SourceFile,
  error: ErrorObject,
  path: DataPath,
  role: 'root' | 'included',
  diagnostics: DiagnosticList,
): void {
  const subject = subjectOf(file.data, path);
  const extra = (hint?: string) => ({ ...(hint ? { hint } : {}), ...(subject ? { subject } : {}) });
  const where = describePath(path, file.data);
  const kind = (error.parentSchema as Record<string, unknown> | undefined)?.[VALUE_KIND_KEYWORD] as
    ValueKind | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(
        ((error.parentSchema as { properties?: object }).properties ?? {}) as object,
      );
      if (role === 'included' && ROOT_ONLY_KEYS.includes(key)) {
        diagnostics.error(
          'root-only-key',
          positionOf(file, [...path, key], { key: true }),
          `\`${key}\` belongs in lifeline.yaml, not in an included file`,
          extra('move it to the root file'),
        );
        return;
      }
      diagnostics.error(
        'unknown-key',
        positionOf(file, [...path, key], { key: true }),
        `unknown key \`${key}\`${where ? ` in ${where}` : ''}`,
        extra(suggestion(key, allowed, 'key')),
      );
      return;
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      diagnostics.error(
        'missing-key',
        positionOf(file, path),
        `missing required key \`${key}\`${where ? ` in ${where}` : ''}`,
        extra(describeExpected(error, key)),
      );
      return;
    }
    case 'discriminator': {
      const { tag, tagValue } = error.params as { tag: string; tagValue: unknown };
      const choices = discriminatorChoices(error.parentSchema, tag);
      if (tagValue === undefined) {
        diagnostics.error(
          'missing-key',
          positionOf(file, path),
          `missing required key \`${tag}\`${where ? ` in ${where}` : ''}`,
          extra(`one of: ${choices.join(', ')}`),
        );
      } else {
        diagnostics.error(
          'invalid-value',
          positionOf(file, [...path, tag]),
          `unknown ${tag} \`${String(tagValue)}\``,
          extra(suggestion(String(tagValue), choices, tag)),
        );
      }
      return;
    }
    case 'pattern':
    case 'format': {
      const value = valueAt(file.data, path);
      const info = kind ? KIND_MESSAGES[kind] : undefined;
      if (info) {
        diagnostics.error(
          info.code,
          positionOf(file, path),
          `\`${String(value)}\` is not ${info.expected}`,
          extra(info.hint),
        );
      } else {
        diagnostics.error(
          'invalid-value',
          positionOf(file, path),
          `\`${String(value)}\` does not match the expected form`,
          extra((error.parentSchema as { description?: string }).description),
        );
      }
      return;
    }
    case 'type': {
      const value = valueAt(file.data, path);
      const expected = kind
        ? KIND_MESSAGES[kind].expected
        : article(String((error.params as { type: string }).type));
      const hint = kind ? KIND_MESSAGES[kind].hint : undefined;
      const code: DiagnosticCode = kind ? KIND_MESSAGES[kind].code : 'invalid-type';
      diagnostics.error(
        code,
        positionOf(file, path),
        `expected ${expected}${where ? ` for ${where}` : ''}, got ${describeValue(value)}`,
        extra(hint),
      );
      return;
    }
    case 'enum':
    case 'const': {
      const value = valueAt(file.data, path);
      const allowed = (
        error.keyword === 'enum'
          ? (error.params as { allowedValues: unknown[] }).allowedValues
          : [(error.params as { allowedValue: unknown }).allowedValue]
      ).map(String);
      if (path.length === 1 && path[0] === 'version') {
        diagnostics.error(
          'invalid-value',
          positionOf(file, path),
          `unsupported format version \`${String(value)}\``,
          extra('this Lifeline reads `version: 1`'),
        );
        return;
      }
      diagnostics.error(
        'invalid-value',
        positionOf(file, path),
        `\`${String(value)}\` is not allowed${where ? ` for ${where}` : ''}`,
        extra(suggestion(String(value), allowed)),
      );
      return;
    }
    case 'anyOf': {
      const value = valueAt(file.data, path);
      const choices = literalChoices(error.parentSchema);
      const hint =
        choices.length && typeof value === 'string'
          ? suggestion(value, choices)
          : (error.parentSchema as { description?: string }).description;
      diagnostics.error(
        'invalid-value',
        positionOf(file, path),
        `${describeValue(value)} is not allowed${where ? ` for ${where}` : ''}`,
        extra(hint),
      );
      return;
    }
    default:
      diagnostics.error(
        'invalid-value',
        positionOf(file, path),
        `${where ? `${where}: ` : ''}${error.message ?? 'invalid value'}`,
        extra(),
      );
  }
}

/** Warns about secrets written inline (a literal where a reference belongs, or a value that looks like a key). */
export function reportInlineSecrets(
  file: SourceFile,
  secrets: SecretUse[],
  diagnostics: DiagnosticList,
): void {
  for (const use of secrets) {
    if (use.reference.source !== 'literal') continue;
    if (use.kind === 'secret-or-text' && !looksLikeSecret(use.reference.value)) continue;
    const subject = subjectOf(file.data, use.path);
    diagnostics.warning(
      'secret-inline',
      positionOf(file, use.path),
      `this looks like a secret written inline (${describePath(use.path)})`,
      {
        hint: 'put it in an environment variable and write `${env:NAME}` (or `${file:path}`); never commit secrets',
        ...(subject ? { subject } : {}),
      },
    );
  }
}

function discriminatorChoices(parentSchema: unknown, tag: string): string[] {
  const variants = ((parentSchema as { anyOf?: unknown[]; oneOf?: unknown[] }).anyOf ??
    (parentSchema as { oneOf?: unknown[] }).oneOf ??
    []) as {
    properties?: Record<string, { const?: unknown }>;
  }[];
  return variants.map((v) => v.properties?.[tag]?.const).filter((c): c is string => typeof c === 'string');
}

/** The allowed strings of a union of literals (and of a list of them). */
function literalChoices(schema: unknown): string[] {
  const variants = ((schema as { anyOf?: unknown[] }).anyOf ?? []) as {
    const?: unknown;
    anyOf?: unknown[];
    items?: unknown;
  }[];
  return variants.flatMap((v) =>
    typeof v.const === 'string'
      ? [v.const]
      : v.anyOf
        ? literalChoices(v)
        : v.items
          ? literalChoices(v.items)
          : [],
  );
}

function describeExpected(error: ErrorObject, key: string): string | undefined {
  const prop = (error.parentSchema as { properties?: Record<string, { description?: string }> }).properties?.[
    key
  ];
  return prop?.description ? `\`${key}\`: ${prop.description}` : undefined;
}

export function valueAt(data: unknown, path: DataPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

const SINGULAR: Record<string, string> = {
  integrations: 'integration',
  teams: 'team',
  channels: 'channel',
  severities: 'severity',
  escalationPolicies: 'escalation-policy',
  playbooks: 'playbook',
  failureModes: 'failure-mode',
  glossary: 'term',
  endpoints: 'endpoint',
  checks: 'check',
  steps: 'step',
  members: 'person',
  levels: 'level',
};

/** `integration:payments/check:charges-up` — the innermost things with ids along the path. */
export function subjectOf(data: unknown, path: DataPath): string | undefined {
  const parts: string[] = [];
  let value = data;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    value =
      value && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
    const collection = path[i - 1];
    if (typeof segment === 'number' && typeof collection === 'string' && SINGULAR[collection]) {
      if (!value || typeof value !== 'object') continue;
      const record = value as { id?: unknown; term?: unknown };
      const id =
        typeof record?.id === 'string'
          ? record.id
          : typeof record?.term === 'string'
            ? record.term
            : String(segment + 1);
      parts.push(`${SINGULAR[collection]}:${id}`);
    }
  }
  return parts.length ? parts.join('/') : undefined;
}

/** A short human description of where a value is: integration `payments`, or `auth`. */
function describePath(path: DataPath, data?: unknown): string {
  const last = path[path.length - 1];
  const collection = path[path.length - 2];
  if (typeof last === 'number' && typeof collection === 'string' && SINGULAR[collection]) {
    const item = valueAt(data, path) as { id?: unknown } | undefined;
    return typeof item?.id === 'string'
      ? `${SINGULAR[collection]} \`${item.id}\``
      : `this ${SINGULAR[collection]}`;
  }
  const name = [...path].reverse().find((s) => typeof s === 'string');
  return name ? `\`${String(name)}\`` : '';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string \`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
  return `the ${typeof value} \`${String(value)}\``;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
  };
  return names[type] ?? type;
}
