/**
 * Load-time checks of the response schemas endpoints declare, with the same loader the schema check uses:
 * JSON Schema files exist, parse and resolve their `$ref`s; OpenAPI documents are 3.0/3.1, contain the named
 * operationId and resolve their `$ref`s. A problem found here would otherwise only show when a check runs.
 */
import { dirname, resolve } from 'node:path';
import type { LoadResult } from '../checks/schema/index.js';
import type { DiagnosticCode, DiagnosticList } from './diagnostics.js';
import { positionOf } from './source-file.js';
import { subjectOf } from './shape.js';
import type { LoadedItem } from './decode.js';
import type { Integration } from './model.js';

const CODES: Record<string, DiagnosticCode> = {
  'openapi-invalid': 'openapi-invalid',
  'openapi-ref-unresolved': 'openapi-invalid',
  'openapi-operation-missing': 'openapi-operation-missing',
  'schema-invalid': 'schema-file-invalid',
  'schema-ref-unresolved': 'schema-file-invalid',
};

export async function checkResponseSchemas(
  integrations: LoadedItem<Integration>[],
  diagnostics: DiagnosticList,
): Promise<void> {
  const declaresSchemas = integrations.some((item) =>
    item.value.endpoints.some((e) => e.responses || e.openapi),
  );
  if (!declaresSchemas) return;
  // Loaded on demand: the schema tooling (ajv, $ref bundling) is a third of the CLI's start-up time.
  const { loadResponseSchema } = await import('../checks/schema/index.js');
  // One load per distinct source: several endpoints usually share one OpenAPI document.
  const cache = new Map<string, Promise<LoadResult>>();
  const load = (key: string, start: () => Promise<LoadResult>) => {
    let result = cache.get(key);
    if (!result) {
      result = start();
      cache.set(key, result);
    }
    return result;
  };
  for (const item of integrations) {
    const base = dirname(item.file.path);
    for (const [e, endpoint] of item.value.endpoints.entries()) {
      const report = async (sub: (string | number)[], label: string, result: Promise<LoadResult>) => {
        const loaded = await result;
        // An operation without a JSON success response is fine here; a schema check on it is reported then.
        if (loaded.ok || loaded.error.code === 'openapi-response-missing') return;
        const path = [...item.path, 'endpoints', e, ...sub];
        const subject = subjectOf(item.file.data, path);
        const suggestions = loaded.error.suggestions?.length
          ? `did you mean \`${loaded.error.suggestions[0]}\`?`
          : undefined;
        diagnostics.error(
          CODES[loaded.error.code] ?? 'schema-file-invalid',
          positionOf(item.file, path),
          `${label}: ${loaded.error.message}`,
          {
            ...(suggestions
              ? { hint: suggestions }
              : { hint: 'paths are relative to the file that declares them' }),
            ...(subject ? { subject } : {}),
          },
        );
      };
      for (const [status, ref] of Object.entries(endpoint.responses ?? {})) {
        const file = resolve(base, ref.schema);
        await report(
          ['responses', status, 'schema'],
          `response schema \`${ref.schema}\``,
          load(`json:${file}`, () => loadResponseSchema({ jsonSchema: file })),
        );
      }
      if (endpoint.openapi) {
        const { document, operationId } = endpoint.openapi;
        const file = resolve(base, document);
        const field = await load(`openapi:${file}#${operationId}`, () =>
          loadResponseSchema({ openapi: file, operationId }),
        );
        const sub =
          !field.ok && field.error.code === 'openapi-operation-missing'
            ? ['openapi', 'operationId']
            : ['openapi', 'document'];
        await report(sub, `OpenAPI \`${document}\``, Promise.resolve(field));
      }
    }
  }
}
