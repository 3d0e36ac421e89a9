/**
 * Build step: writes the workspace validators as standalone code next to the compiled loader, so the CLI does not
 * compile the schema on every run. Run by `npm run build` after tsc; `validators.ts` falls back to compiling when
 * the file is absent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createWorkspaceAjv, GENERATED_VALIDATORS } from '../validators.js';

/** The CommonJS module text (ajv's ESM output still `require`s its runtime helpers). */
export function standaloneValidatorsSource(): string {
  const ajv = createWorkspaceAjv({ source: true });
  return standaloneCode.default(ajv, { root: 'root', included: 'included' });
}

export function writeStandaloneValidators(target: URL = GENERATED_VALIDATORS): void {
  const path = fileURLToPath(target);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, standaloneValidatorsSource());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeStandaloneValidators();
}
