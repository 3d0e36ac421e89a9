/**
 * Building blocks of the workspace format: ids, durations, percentages, sizes and secret references.
 * Each is one TypeBox definition that yields both the JSON Schema (for editors and validation) and the decoded
 * value of the typed model (durations in milliseconds, percentages as fractions, secrets as references).
 */
import { Type, type TSchema, type TString, type TUnsafe } from '@sinclair/typebox';
import { FAILURE_CLASSES } from '../../checks/check-result.js';
import {
  parseDuration,
  parsePercentage,
  parseSize,
  parseSecretReference,
  type SecretReference,
} from '../values.js';

/**
 * Marks a schema with the value kind it holds, so a validation error can say what was expected
 * ("a duration such as 30s") instead of repeating a regular expression.
 */
export type ValueKind =
  | 'id'
  | 'duration'
  | 'percentage'
  | 'size'
  | 'secret'
  | 'secret-or-text'
  | 'url'
  | 'json-pointer'
  | 'http-status';
export const VALUE_KIND_KEYWORD = 'x-lifeline-kind';

function kinded<T extends TSchema>(schema: T, kind: ValueKind): T {
  return { ...schema, [VALUE_KIND_KEYWORD]: kind } as T;
}

export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d|w)$';
export const PERCENTAGE_PATTERN = '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)%$';
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?(B|KB|MB|GB|KiB|MiB|GiB)$';
export const SECRET_PATTERN = '^\\$\\{(env|file):[^}]+\\}$';

/** An identifier: letters, digits, `.`, `_`, `-`; unique within its kind. */
export const Id = (
  description = 'Identifier, unique within its kind: letters, digits, `.`, `_`, `-`; starts with a letter or digit; at most 64 characters.',
): TString => kinded(Type.String({ pattern: ID_PATTERN, description }), 'id');

/** A reference to the id of another thing in the workspace. */
export const Ref = (target: string, description?: string): TString =>
  Id(description ?? `Id of ${/^[aeiou]/.test(target) ? 'an' : 'a'} ${target} declared in the workspace.`);

export const Duration = (
  description = 'A duration: a number and a unit (ms, s, m, h, d, w), e.g. `30s`, `15m`, `90d`.',
) =>
  Type.Transform(kinded(Type.String({ pattern: DURATION_PATTERN, description }), 'duration'))
    .Decode((text) => parseDuration(text) ?? Number.NaN)
    .Encode((ms) => `${ms}ms`);

export const Percentage = (description = 'A percentage, e.g. `1%`, `99.9%`.') =>
  Type.Transform(kinded(Type.String({ pattern: PERCENTAGE_PATTERN, description }), 'percentage'))
    .Decode((text) => parsePercentage(text) ?? Number.NaN)
    .Encode((fraction) => `${fraction * 100}%`);

export const Size = (
  description = 'A size: a number and a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. `1MB`.',
) =>
  Type.Transform(kinded(Type.String({ pattern: SIZE_PATTERN, description }), 'size'))
    .Decode((text) => parseSize(text) ?? Number.NaN)
    .Encode((bytes) => `${bytes}B`);

/**
 * A field that holds a secret. The workspace holds only a reference (`${env:NAME}` or `${file:path}`); a literal
 * value is accepted with a warning so a first draft still loads, and stays a literal in the model.
 */
export const Secret = (
  description = 'A secret reference: `${env:NAME}` or `${file:path}`. Never the secret itself.',
) =>
  Type.Transform(kinded(Type.String({ minLength: 1, description }), 'secret'))
    .Decode((text): SecretReference => parseSecretReference(text))
    .Encode((ref) => (ref.source === 'literal' ? ref.value : `\${${ref.source}:${ref.name}}`));

/**
 * A value that may be a plain string or a secret reference, e.g. a header or an environment variable of a
 * command. A literal is fine unless it looks like a credential.
 */
export const SecretOrText = (
  description = 'A value, or a secret reference `${env:NAME}` / `${file:path}` (the reference must be the whole value).',
) =>
  Type.Transform(kinded(Type.String({ description }), 'secret-or-text'))
    .Decode((text): SecretReference => parseSecretReference(text))
    .Encode((ref) => (ref.source === 'literal' ? ref.value : `\${${ref.source}:${ref.name}}`));

export const Url = (description = 'An absolute http(s) URL.') =>
  kinded(Type.String({ pattern: '^https?://[^\\s]+$', description }), 'url');

export const JsonPointer = (
  description = 'A JSON pointer (RFC 6901), e.g. `/data/0/amount`; `*` matches any array index.',
) => kinded(Type.String({ pattern: '^(/[^/]*)*$', description }), 'json-pointer');

export const Text = (description: string) => Type.String({ description });

/** One of a fixed set of strings. */
export const Literals = <T extends string>(values: readonly T[], description: string): TUnsafe<T> =>
  // A union of literals at run time; typed as the plain string union (TypeBox cannot infer one from an array).
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      { description },
    ),
  );

export const FAILURE_CLASS_VALUES = FAILURE_CLASSES;

export const FailureClassSchema = Literals(FAILURE_CLASS_VALUES, 'A failure class of a check result.');

export const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p99.9'] as const;
export const PercentileSchema = Literals(PERCENTILES, 'A latency percentile.');
