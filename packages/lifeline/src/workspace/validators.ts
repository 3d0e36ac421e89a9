/**
 * The ajv validators of workspace files. Compiling them takes about half a second, which every CLI run would pay,
 * so the build writes them as standalone code (`dist/workspace/generated/workspace-validators.cjs`, see
 * `schema/write-standalone-validators.ts`); running from source (tests, tsx) compiles them instead. Both come from
 * the same options and schemas, and a test checks they report the same errors.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { IncludedFileSchema, RootFileSchema, SHARED_SCHEMAS } from './schema/workspace-file.js';
import { VALUE_KIND_KEYWORD } from './schema/primitives.js';

export interface WorkspaceValidators {
  root: ValidateFunction;
  included: ValidateFunction;
}

export const GENERATED_VALIDATORS = new URL('./generated/workspace-validators.cjs', import.meta.url);

/**
 * Options shared by the compiled and the generated validators. `discriminator` stays off: TypeBox unions are
 * `anyOf`, and tagged unions are narrowed when errors are reported. Referenced schemas are compiled once rather
 * than inlined, and the code optimiser is off: compile time matters more than a few percent of validation speed.
 */
export function createWorkspaceAjv(options: { source?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    inlineRefs: false,
    code: { optimize: false, source: options.source ?? false },
    schemas: SHARED_SCHEMAS,
  });
  // An annotation: errors read it from the failing schema to say what was expected.
  ajv.addKeyword({ keyword: VALUE_KIND_KEYWORD, schemaType: 'string' });
  ajv.addSchema(RootFileSchema, 'root');
  ajv.addSchema(IncludedFileSchema, 'included');
  return ajv;
}

export function compileWorkspaceValidators(): WorkspaceValidators {
  const ajv = createWorkspaceAjv();
  return { root: ajv.getSchema('root')!, included: ajv.getSchema('included')! };
}

let validators: WorkspaceValidators | undefined;

export function workspaceValidators(): WorkspaceValidators {
  if (!validators) {
    const generated = fileURLToPath(GENERATED_VALIDATORS);
    validators = existsSync(generated)
      ? (createRequire(import.meta.url)(generated) as WorkspaceValidators)
      : compileWorkspaceValidators();
  }
  return validators;
}
