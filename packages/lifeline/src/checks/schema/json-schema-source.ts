/**
 * Loads a plain JSON Schema (draft-07 or 2020-12, file or object) as a response schema: detects its dialect
 * from `$schema`, bundles external `$ref`s, and checks that local `$ref`s resolve before anything compiles.
 */
import { refToSegments, resolveSegments } from './json-pointer.js';
import { bundleDocument, hasExternalRefs, readDocumentFile } from './source.js';
import { isRecord, type JsonSchema, type LoadResult, type SchemaDialect, type SchemaError } from './types.js';

export interface JsonSchemaLoadOptions {
  /** Where relative `$ref`s of an in-memory schema resolve; a file's own directory is used otherwise. */
  baseDir?: string;
}

/**
 * Loads a JSON Schema file (YAML or JSON) or object.
 * @example
 *   const r = await loadJsonSchema('schemas/charge.schema.json');
 */
export async function loadJsonSchema(
  source: string | JsonSchema,
  options: JsonSchemaLoadOptions = {},
): Promise<LoadResult> {
  let schema: unknown = source;
  let path: string | undefined;
  if (typeof source === 'string') {
    const read = await readDocumentFile(source);
    if (!read.ok) return failure('schema-invalid', read.message, read.cause);
    schema = read.doc;
    path = read.path;
  }
  if (typeof schema === 'boolean')
    return { ok: true, value: { schema, dialect: '2020-12', origin: origin(path) } };
  if (!isRecord(schema)) return failure('schema-invalid', 'a JSON Schema must be an object or a boolean');
  const dialect = detectDialect(schema.$schema);
  if (typeof dialect !== 'string') return { ok: false, error: dialect };
  if (hasExternalRefs(schema)) {
    const bundled = await bundleDocument(schema, path, options.baseDir);
    if (!bundled.ok) return failure('schema-ref-unresolved', bundled.message, bundled.cause);
    if (!isRecord(bundled.doc))
      return failure('schema-invalid', 'a JSON Schema must be an object or a boolean');
    schema = bundled.doc;
  }
  const root = schema as Record<string, unknown>;
  const broken = firstBrokenLocalRef(root);
  if (broken !== undefined) return failure('schema-ref-unresolved', `$ref ${broken} does not resolve`);
  return { ok: true, value: { schema: root, dialect, origin: origin(path) } };
}

/** Maps `$schema` to a dialect we compile; no `$schema` means 2020-12, the current draft. */
export function detectDialect(uri: unknown): SchemaDialect | SchemaError {
  if (uri === undefined) return '2020-12';
  const text = String(uri);
  if (text.includes('2020-12')) return '2020-12';
  // draft-06 is a subset of draft-07 in every way a response check can notice.
  if (/draft-0[67]/.test(text)) return 'draft-07';
  return { code: 'schema-invalid', message: `$schema ${text} is not supported (draft-07 and 2020-12 are)` };
}

/**
 * The first local JSON-pointer `$ref` that points nowhere. Refs under a nested `$id` resolve against that
 * resource, not the root, so those subtrees are left to the validator.
 */
function firstBrokenLocalRef(root: Record<string, unknown>): string | undefined {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (isRecord(node) && node !== root && typeof node.$id === 'string' && !node.$id.startsWith('#'))
      continue;
    if (isRecord(node) && typeof node.$ref === 'string') {
      const segments = refToSegments(node.$ref);
      if (segments !== undefined && resolveSegments(root, segments) === undefined) return node.$ref;
    }
    stack.push(...Object.values(node));
  }
  return undefined;
}

function origin(path: string | undefined): string {
  return path ?? 'inline JSON Schema';
}

function failure(
  code: SchemaError['code'],
  message: string,
  cause?: unknown,
): { ok: false; error: SchemaError } {
  return { ok: false, error: cause === undefined ? { code, message } : { code, message, cause } };
}
