/**
 * The only I/O of the schema check: reading an OpenAPI or JSON Schema file (YAML or JSON) and bundling its
 * external `$ref`s to sibling files into one document with json-schema-ref-parser. Network references are
 * never fetched: a check must not depend on a vendor's docs site being up.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { bundle, type FileInfo } from '@apidevtools/json-schema-ref-parser';
import YAML from 'yaml';
import { isRecord } from './types.js';

export type SourceResult =
  { ok: true; doc: unknown; path?: string } | { ok: false; message: string; cause?: unknown };

/** Reads and parses a YAML or JSON file (`.json` is parsed as JSON, anything else as YAML). */
export async function readDocumentFile(path: string): Promise<SourceResult> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    return { ok: false, message: `cannot read ${absolute}: ${errorMessage(cause)}`, cause };
  }
  try {
    const doc: unknown = extname(absolute).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text, { logLevel: 'error' });
    return { ok: true, doc, path: absolute };
  } catch (cause) {
    return { ok: false, message: `cannot parse ${absolute}: ${errorMessage(cause)}`, cause };
  }
}

/** True when some `$ref` in the document points outside it (another file). */
export function hasExternalRefs(doc: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (isRecord(node) && typeof node.$ref === 'string' && !node.$ref.startsWith('#')) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

/**
 * Inlines external `$ref`s so that only local (`#/...`) references remain. `path` is the document's own file
 * (relative refs resolve next to it); for in-memory documents `baseDir` plays that role. Circular references
 * stay as local `$ref`s, so nothing is expanded without end.
 */
export async function bundleDocument(
  doc: unknown,
  path: string | undefined,
  baseDir?: string,
): Promise<SourceResult> {
  let own: unknown;
  try {
    // ref-parser rewrites the object it is given; a caller's document must stay as it was.
    own = path === undefined ? structuredClone(doc) : doc;
  } catch (cause) {
    return { ok: false, message: `document is not plain JSON data: ${errorMessage(cause)}`, cause };
  }
  const where = path ?? join(resolve(baseDir ?? '.'), '__inline__.json');
  try {
    const bundled: unknown = await bundle(where, own as object, {
      resolve: { http: false, external: true },
      parse: { yaml: { order: 200, canParse: ['.yaml', '.yml'], parse: parseYamlFile } },
    });
    return { ok: true, doc: bundled, ...(path === undefined ? {} : { path }) };
  } catch (cause) {
    return { ok: false, message: errorMessage(cause).split('\n')[0] ?? 'unresolved $ref', cause };
  }
}

function parseYamlFile(file: FileInfo): unknown {
  return YAML.parse(typeof file.data === 'string' ? file.data : file.data.toString('utf8'), { logLevel: 'error' });
}

export function errorMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
