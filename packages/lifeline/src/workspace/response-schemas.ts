/**
 * Load-time checks of the response schemas endpoints declare: JSON Schema files exist and parse; OpenAPI documents
 * parse, are 3.0/3.1 and contain the named operationId. Each document is read once per load.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { suggestion, type DiagnosticList } from './diagnostics.js';
import { positionOf } from './source-file.js';
import { subjectOf } from './shape.js';
import type { LoadedItem } from './decode.js';
import type { Integration } from './model.js';

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

export async function checkResponseSchemas(
  integrations: LoadedItem<Integration>[],
  diagnostics: DiagnosticList,
): Promise<void> {
  const cache = new Map<string, Promise<Parsed>>();
  const read = (path: string) => {
    let parsed = cache.get(path);
    if (!parsed) {
      parsed = parseFile(path);
      cache.set(path, parsed);
    }
    return parsed;
  };
  for (const item of integrations) {
    const base = dirname(item.file.path);
    for (const [e, endpoint] of item.value.endpoints.entries()) {
      const at = (...sub: (string | number)[]) => {
        const path = [...item.path, 'endpoints', e, ...sub];
        const subject = subjectOf(item.file.data, path);
        return { position: positionOf(item.file, path), extra: subject ? { subject } : {} };
      };
      for (const [status, ref] of Object.entries(endpoint.responses ?? {})) {
        const parsed = await read(resolve(base, ref.schema));
        if (!parsed.ok) {
          const { position, extra } = at('responses', status, 'schema');
          diagnostics.error(
            'schema-file-invalid',
            position,
            `response schema \`${ref.schema}\`: ${parsed.reason}`,
            { ...extra, hint: 'paths are relative to the file that declares them' },
          );
        } else if (!isObject(parsed.value) && typeof parsed.value !== 'boolean') {
          const { position, extra } = at('responses', status, 'schema');
          diagnostics.error(
            'schema-file-invalid',
            position,
            `response schema \`${ref.schema}\` is not a JSON Schema object`,
            extra,
          );
        }
      }
      if (endpoint.openapi) {
        const { document, operationId } = endpoint.openapi;
        const parsed = await read(resolve(base, document));
        if (!parsed.ok) {
          const { position, extra } = at('openapi', 'document');
          diagnostics.error(
            'openapi-invalid',
            position,
            `OpenAPI document \`${document}\`: ${parsed.reason}`,
            extra,
          );
          continue;
        }
        const version = isObject(parsed.value) ? parsed.value.openapi : undefined;
        if (typeof version !== 'string' || !/^3\.[01]\./.test(version)) {
          const { position, extra } = at('openapi', 'document');
          diagnostics.error(
            'openapi-invalid',
            position,
            `\`${document}\` is not an OpenAPI 3.0 or 3.1 document (openapi: ${String(version)})`,
            extra,
          );
          continue;
        }
        const operations = operationIds(parsed.value);
        if (!operations.includes(operationId)) {
          const { position, extra } = at('openapi', 'operationId');
          diagnostics.error(
            'openapi-operation-missing',
            position,
            `operationId \`${operationId}\` is not in \`${document}\``,
            { ...extra, ...optionalHint(suggestion(operationId, operations, 'operationId')) },
          );
        }
      }
    }
  }
}

function optionalHint(hint: string | undefined): { hint?: string } {
  return hint ? { hint } : {};
}

async function parseFile(path: string): Promise<Parsed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'file does not exist' : `cannot read (${code})` };
  }
  try {
    return {
      ok: true,
      value: path.endsWith('.json') ? JSON.parse(text) : parse(text, { logLevel: 'silent' }),
    };
  } catch (error) {
    return {
      ok: false,
      reason: `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operationIds(document: unknown): string[] {
  const paths = isObject(document) && isObject(document.paths) ? document.paths : {};
  const ids: string[] = [];
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (isObject(operation) && typeof operation.operationId === 'string') ids.push(operation.operationId);
    }
  }
  return ids;
}
