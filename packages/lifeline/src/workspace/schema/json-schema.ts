/**
 * The JSON Schema documents editors use for completion and inline errors (`schema/lifeline.schema.json` for the
 * root file, `schema/lifeline-include.schema.json` for included files), generated from the same TypeBox
 * definitions the loader validates with. Draft-07, which every YAML language server understands.
 */
import { IncludedFileSchema, RootFileSchema, SHARED_SCHEMAS } from './workspace-file.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Plain JSON (TypeBox's symbols dropped), with `$ref: 'Signal'` rewritten to `#/definitions/Signal`. */
function toJson(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema), (key, value: Json) => {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#'))
      return `#/definitions/${value}`;
    return value;
  }) as Json;
}

function document(schema: unknown, id: string): Json {
  const definitions: Record<string, Json> = {};
  for (const shared of SHARED_SCHEMAS) {
    const { $id, ...rest } = toJson(shared) as { $id: string } & Record<string, Json>;
    definitions[$id] = rest;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: id,
    ...(toJson(schema) as Record<string, Json>),
    definitions,
  };
}

export function workspaceJsonSchemas(): Record<string, Json> {
  return {
    'lifeline.schema.json': document(RootFileSchema, 'https://lifeline.dev/schema/lifeline.schema.json'),
    'lifeline-include.schema.json': document(
      IncludedFileSchema,
      'https://lifeline.dev/schema/lifeline-include.schema.json',
    ),
  };
}

export function renderJsonSchema(schema: Json): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
