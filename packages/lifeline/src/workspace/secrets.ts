/**
 * Checks that secret references can be resolved (the environment variable is set, the file exists) without ever
 * reading a value into a diagnostic. Missing ones are warnings, errors with `--strict`.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DiagnosticList } from './diagnostics.js';
import { positionOf, type SourceFile } from './source-file.js';
import { subjectOf } from './shape.js';
import type { SecretUse } from './decoder.js';
import type { LoadOptions } from './load-workspace.js';

export function checkSecrets(
  files: { file: SourceFile; uses: SecretUse[] }[],
  options: LoadOptions,
  diagnostics: DiagnosticList,
): void {
  const env = options.env ?? process.env;
  const severity = options.strict ? 'error' : 'warning';
  for (const { file, uses } of files) {
    for (const use of uses) {
      const ref = use.reference;
      if (ref.source === 'literal') continue;
      const subject = subjectOf(file.data, use.path);
      const extra = (hint: string) => ({ hint, ...(subject ? { subject } : {}) });
      if (ref.source === 'env' && (env[ref.name] === undefined || env[ref.name] === '')) {
        diagnostics[severity](
          'secret-unresolved',
          positionOf(file, use.path),
          `environment variable \`${ref.name}\` is not set`,
          extra(`export ${ref.name}=… before running checks`),
        );
      }
      if (ref.source === 'file' && !existsSync(resolve(dirname(file.path), ref.name))) {
        diagnostics[severity](
          'secret-unresolved',
          positionOf(file, use.path),
          `secret file \`${ref.name}\` does not exist`,
          extra('paths are relative to the file that declares them'),
        );
      }
    }
  }
}
