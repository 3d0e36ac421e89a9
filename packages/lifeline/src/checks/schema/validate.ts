/**
 * Response conformance in one call: the compiled validator answers first (cheap, stops at the first error);
 * only a failing response (or strict mode) pays for the drift walk that names every difference.
 */
import type { DriftEntry } from '../check-result.js';
import type { CompiledResponseSchema, SchemaViolation } from './compile.js';
import { analyzeDrift, type DriftOptions } from './drift.js';

/** The outcome of validating one response body. */
export type ValidationOutcome =
  | { ok: true }
  | {
      ok: false;
      drift: DriftEntry[];
      truncated: boolean;
      /**
       * Failures no drift kind names (`minimum`, `pattern`, `minItems`, a value matching two `oneOf`
       * branches…). Filled only when `drift` is empty, so a failing response always says why.
       */
      violations: SchemaViolation[];
    };

/**
 * Validates a response body against a compiled schema.
 * @example
 *   const outcome = validateResponse(compiled, body, { safePointers: ['/data/*' + '/status'] });
 *   if (!outcome.ok) for (const d of outcome.drift) console.log(d.kind, d.pointer, d.expected, d.actual);
 */
export function validateResponse(
  compiled: CompiledResponseSchema,
  value: unknown,
  options: Omit<DriftOptions, 'dialect'> = {},
): ValidationOutcome {
  const conforms = compiled.isValid(value);
  if (conforms && options.strict !== true) return { ok: true };
  const report = analyzeDrift(compiled.schema, value, { ...options, dialect: compiled.dialect });
  if (conforms && report.entries.length === 0) return { ok: true };
  const violations =
    report.entries.length === 0 && !conforms ? compiled.violations(value, options.maxEntries ?? 50) : [];
  return { ok: false, drift: report.entries, truncated: report.truncated, violations };
}
