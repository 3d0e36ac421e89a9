/**
 * Finds the response schema of one OpenAPI 3.0/3.1 operation (by `operationId`, status and media type) and
 * returns it as a standalone JSON Schema 2020-12 document. Every problem is a value with a stable `code`, so a
 * misconfigured endpoint becomes a diagnostic, never a crashed check.
 */
import { closestNames } from './did-you-mean.js';
import { extractSchema, UnresolvedRefError, type OpenApiVersion } from './openapi-convert.js';
import { refToSegments, resolveSegments } from './json-pointer.js';
import { bundleDocument, hasExternalRefs, readDocumentFile } from './source.js';
import { isRecord, type LoadResult, type SchemaError } from './types.js';

/** Which response of which operation to check. */
export interface OpenApiResponseQuery {
  operationId: string;
  /** HTTP status (`200`) or range (`2XX`); falls back to the range, then `default`. Defaults to `200`. */
  status?: string | number;
  /** Defaults to `application/json`; any `+json` type (e.g. `application/problem+json`) also matches. */
  mediaType?: string;
}

export interface OpenApiLoadOptions extends OpenApiResponseQuery {
  /** Where relative `$ref`s of an in-memory document resolve; a file's own directory is used otherwise. */
  baseDir?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const MAX_REF_HOPS = 32;

type Found<T> = { ok: true; value: T } | { ok: false; error: SchemaError };

/**
 * Loads an OpenAPI document (parsed object, or path to a YAML/JSON file whose `$ref`s may point at sibling
 * files) and returns the response schema for one operation.
 * @example
 *   const r = await loadOpenApiResponseSchema('openapi.yaml', { operationId: 'listCharges', status: 200 });
 *   if (!r.ok) console.log(r.error.code, r.error.message, r.error.suggestions);
 */
export async function loadOpenApiResponseSchema(
  document: string | object,
  options: OpenApiLoadOptions,
): Promise<LoadResult> {
  let doc: unknown = document;
  let path: string | undefined;
  if (typeof document === 'string') {
    const read = await readDocumentFile(document);
    if (!read.ok) return failure('openapi-invalid', read.message, read.cause);
    doc = read.doc;
    path = read.path;
  }
  const version = openApiVersion(doc);
  if (!version.ok) return version;
  if (hasExternalRefs(doc)) {
    const bundled = await bundleDocument(doc, path, options.baseDir);
    if (!bundled.ok) return failure('openapi-ref-unresolved', bundled.message, bundled.cause);
    doc = bundled.doc;
  }
  return findResponseSchema(doc, options);
}

/**
 * The synchronous core of {@link loadOpenApiResponseSchema}, for a document already in memory whose `$ref`s are
 * all local (`#/...`). External refs in it are reported as `openapi-ref-unresolved`.
 */
export function findResponseSchema(doc: unknown, query: OpenApiResponseQuery): LoadResult {
  const version = openApiVersion(doc);
  if (!version.ok) return version;
  const root = doc as Record<string, unknown>;
  const operation = findOperation(root, query.operationId);
  if (!operation.ok) return operation;
  const response = pickResponse(root, operation.value, String(query.status ?? '200'), query.operationId);
  if (!response.ok) return response;
  const media = pickMediaType(response.value.response, query.mediaType ?? 'application/json');
  const where = `${query.operationId} ${response.value.key}`;
  if (!media.ok) return failure('openapi-response-missing', `${where}: ${media.message}`);
  if (media.schema === undefined) {
    return failure('openapi-response-missing', `${where} ${media.key}: the media type declares no schema`);
  }
  try {
    const schema = extractSchema(root, media.schema, version.value.major);
    return {
      ok: true,
      value: {
        schema,
        dialect: '2020-12',
        origin: `${where} ${media.key} (OpenAPI ${version.value.full})`,
        status: response.value.key,
        mediaType: media.key,
      },
    };
  } catch (cause) {
    if (cause instanceof UnresolvedRefError) {
      return failure('openapi-ref-unresolved', `${where} ${media.key}: ${cause.message}`, cause);
    }
    // e.g. a schema nested deeper than the stack allows: still a value, never a crashed check.
    return failure('openapi-invalid', `${where} ${media.key}: cannot convert the schema`, cause);
  }
}

function openApiVersion(doc: unknown): Found<{ major: OpenApiVersion; full: string }> {
  if (!isRecord(doc)) return failure('openapi-invalid', 'an OpenAPI document must be an object');
  const raw = doc.openapi;
  if (raw === undefined) {
    const hint = doc.swagger !== undefined ? ' (Swagger 2.0 is not supported; convert it to OpenAPI 3)' : '';
    return failure('openapi-invalid', `the document has no "openapi" version field${hint}`);
  }
  const full = String(raw);
  const match = /^3\.([01])\.\d+/.exec(full);
  if (match === null)
    return failure('openapi-invalid', `OpenAPI ${full} is not supported (3.0.x and 3.1.x are)`);
  return { ok: true, value: { major: match[1] === '0' ? '3.0' : '3.1', full } };
}

function findOperation(doc: Record<string, unknown>, operationId: string): Found<Record<string, unknown>> {
  const ids: string[] = [];
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const rawItem of Object.values(paths)) {
    const item = followRefs(doc, rawItem);
    if (!isRecord(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isRecord(operation) || typeof operation.operationId !== 'string') continue;
      if (operation.operationId === operationId) return { ok: true, value: operation };
      ids.push(operation.operationId);
    }
  }
  const suggestions = closestNames(operationId, ids);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
  return {
    ok: false,
    error: {
      code: 'openapi-operation-missing',
      message: `no operation has operationId "${operationId}"${hint}`,
      suggestions,
    },
  };
}

/** Exact status, then its `NXX` range, then `default` — the precedence the OpenAPI spec gives. */
function pickResponse(
  doc: Record<string, unknown>,
  operation: Record<string, unknown>,
  status: string,
  operationId: string,
): Found<{ key: string; response: unknown }> {
  const responses = isRecord(operation.responses) ? operation.responses : {};
  const byKey = new Map(Object.keys(responses).map((key) => [key.toUpperCase(), key]));
  const wanted = status.toUpperCase();
  const candidates = /^\d{3}$/.test(wanted) ? [wanted, `${wanted[0]}XX`, 'DEFAULT'] : [wanted, 'DEFAULT'];
  for (const candidate of candidates) {
    const key = byKey.get(candidate);
    if (key === undefined) continue;
    const response = followRefs(doc, responses[key]);
    if (response === undefined) {
      const ref = isRecord(responses[key]) ? String(responses[key].$ref) : key;
      return failure('openapi-ref-unresolved', `${operationId} ${key}: $ref ${ref} does not resolve`);
    }
    return { ok: true, value: { key, response } };
  }
  const declared = Object.keys(responses).join(', ') || 'none';
  return failure(
    'openapi-response-missing',
    `${operationId} declares no response for ${status} (declared: ${declared})`,
  );
}

type MediaPick = { ok: true; key: string; schema: unknown } | { ok: false; message: string };

/** The requested media type, else `application/json`, else any `+json` type; parameters are ignored. */
function pickMediaType(response: unknown, requested: string): MediaPick {
  const content = isRecord(response) && isRecord(response.content) ? response.content : {};
  const keys = Object.keys(content);
  if (keys.length === 0) return { ok: false, message: 'the response declares no body' };
  const essence = (type: string) => (type.split(';')[0] ?? '').trim().toLowerCase();
  const wanted = essence(requested);
  const key =
    keys.find((k) => essence(k) === wanted) ??
    keys.find((k) => essence(k) === 'application/json') ??
    keys.find((k) => essence(k).endsWith('+json'));
  if (key === undefined) return { ok: false, message: `no JSON media type (declared: ${keys.join(', ')})` };
  const media = content[key];
  return { ok: true, key, schema: isRecord(media) ? media.schema : undefined };
}

/** Follows a chain of local `$ref`s (Response and Path Item objects may be references); `undefined` if broken. */
function followRefs(doc: Record<string, unknown>, node: unknown): unknown {
  let current = node;
  for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
    if (!isRecord(current) || typeof current.$ref !== 'string') return current;
    const segments = refToSegments(current.$ref);
    if (segments === undefined) return undefined;
    current = resolveSegments(doc, segments);
  }
  return undefined;
}

function failure(
  code: SchemaError['code'],
  message: string,
  cause?: unknown,
): { ok: false; error: SchemaError } {
  return { ok: false, error: cause === undefined ? { code, message } : { code, message, cause } };
}
