/**
 * Digests a schema object into the few facts the drift walker needs, once per analysis. A page of 10,000 rows
 * shares one schema; reading a dozen keywords off a loosely shaped object for every row is what made the walk
 * slow, a cached plan makes each visit a handful of field reads.
 */
import type { WalkContext } from './drift-context.js';
import { typeList } from './drift-values.js';
import { isRecord, type JsonSchema, type JsonSchemaObject } from './types.js';

export interface ObjectPlan {
  properties: readonly (readonly [string, JsonSchema])[];
  declared: ReadonlySet<string>;
  required: ReadonlySet<string>;
  /** Required names `properties` does not declare. */
  requiredUndeclared: readonly string[];
  patterns: readonly (readonly [RegExp, JsonSchema])[];
  /** `additionalProperties`, when present. */
  extra: JsonSchema | undefined;
  /** `dependentRequired` (and draft-07 `dependencies` lists): trigger → names it requires. */
  dependentRequired: readonly (readonly [string, readonly string[]])[];
  /** `dependentSchemas` (and draft-07 `dependencies` schemas): trigger → schema applied to the object. */
  dependentSchemas: readonly (readonly [string, JsonSchema])[];
  /** Declares properties at all (a free-form `{ type: object }` does not). */
  shaped: boolean;
}

export interface ArrayPlan {
  prefix: readonly unknown[];
  rest: unknown;
}

export interface NodePlan {
  /** OpenAPI 3.0 `nullable: true` left in a schema that was not converted: null passes everything here. */
  nullable: boolean;
  types: readonly string[] | undefined;
  /** `enum`, or `[const]`. */
  allowed: readonly unknown[] | undefined;
  format: string | undefined;
  ref: string | undefined;
  object: ObjectPlan | undefined;
  array: ArrayPlan | undefined;
  allOf: readonly JsonSchema[];
  branches: readonly (readonly unknown[])[];
  condition: { if: JsonSchema; then: JsonSchema | undefined; else: JsonSchema | undefined } | undefined;
  unevaluated: JsonSchema | undefined;
}

const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'patternProperties',
  'additionalProperties',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
];

export function nodePlan(schema: JsonSchemaObject, ctx: WalkContext): NodePlan {
  const cached = ctx.plans.get(schema);
  if (cached !== undefined) return cached;
  const ref = typeof schema.$ref === 'string' ? schema.$ref : schema.$dynamicRef;
  const plan: NodePlan = {
    nullable: schema.nullable === true,
    types: typeList(schema.type),
    allowed: Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined,
    format: typeof schema.format === 'string' ? schema.format : undefined,
    ref: typeof ref === 'string' ? ref : undefined,
    object: OBJECT_KEYWORDS.some((k) => k in schema) ? objectPlan(schema, ctx) : undefined,
    array: 'items' in schema || 'prefixItems' in schema ? arrayPlan(schema, ctx) : undefined,
    allOf: Array.isArray(schema.allOf) ? schema.allOf.filter(isSubschema) : [],
    branches: [schema.anyOf, schema.oneOf].filter((b): b is unknown[] => Array.isArray(b)),
    condition: isSubschema(schema.if)
      ? { if: schema.if, then: subschema(schema.then), else: subschema(schema.else) }
      : undefined,
    unevaluated: subschema(schema.unevaluatedProperties),
  };
  ctx.plans.set(schema, plan);
  return plan;
}

function objectPlan(schema: JsonSchemaObject, ctx: WalkContext): ObjectPlan {
  const declaredProps = isRecord(schema.properties) ? schema.properties : {};
  const declared = new Set(Object.keys(declaredProps));
  const required = stringList(schema.required);
  const patterns = Object.entries(isRecord(schema.patternProperties) ? schema.patternProperties : {}).flatMap(
    ([source, sub]) => {
      const pattern = compilePattern(source, ctx);
      return pattern !== null && isSubschema(sub) ? [[pattern, sub] as const] : [];
    },
  );
  const extra = subschema(schema.additionalProperties);
  const dependentRequired: [string, string[]][] = [];
  const dependentSchemas: [string, JsonSchema][] = [];
  for (const source of [schema.dependentRequired, schema.dependencies, schema.dependentSchemas]) {
    for (const [trigger, dependency] of Object.entries(isRecord(source) ? source : {})) {
      if (Array.isArray(dependency)) dependentRequired.push([trigger, stringList(dependency)]);
      else if (isSubschema(dependency)) dependentSchemas.push([trigger, dependency]);
    }
  }
  return {
    properties: Object.entries(declaredProps).filter((e): e is [string, JsonSchema] => isSubschema(e[1])),
    declared,
    required: new Set(required),
    requiredUndeclared: required.filter((name) => !declared.has(name)),
    patterns,
    extra,
    dependentRequired,
    dependentSchemas,
    shaped: isRecord(schema.properties) || patterns.length > 0 || extra !== undefined,
  };
}

/** 2020-12 `prefixItems` + `items`; draft-07 tuple `items` + `additionalItems`. */
function arrayPlan(schema: JsonSchemaObject, ctx: WalkContext): ArrayPlan {
  if (ctx.dialect === 'draft-07' && Array.isArray(schema.items)) {
    return { prefix: schema.items, rest: schema.additionalItems };
  }
  return { prefix: Array.isArray(schema.prefixItems) ? schema.prefixItems : [], rest: schema.items };
}

/** JSON Schema patterns are ECMA-262 with the `u` flag (as ajv compiles them); unusable ones match nothing. */
function compilePattern(source: string, ctx: WalkContext): RegExp | null {
  let pattern = ctx.regexes.get(source);
  if (pattern !== undefined) return pattern;
  try {
    pattern = new RegExp(source, 'u');
  } catch {
    pattern = null;
  }
  ctx.regexes.set(source, pattern);
  return pattern;
}

export function isSubschema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isRecord(value);
}

function subschema(value: unknown): JsonSchema | undefined {
  return isSubschema(value) ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
