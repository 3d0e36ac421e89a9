/**
 * The state of one drift analysis and the schema-side questions the walker asks: where a `$ref` points, which
 * types a subschema accepts, which properties tag a `oneOf` branch, and how to describe a schema in a few words.
 * Everything is memoised per analysis, so 10,000 rows against one schema cost one lookup each.
 */
import { escapeSegment, refToSegments, resolveSegments } from './json-pointer.js';
import type { NodePlan } from './drift-plan.js';
import type { DriftSink, SinkLimits } from './drift-sink.js';
import { describeEnum, describeTypes, jsonTypeName, typeList } from './drift-values.js';
import { isRecord, type JsonSchema, type JsonSchemaObject, type SchemaDialect } from './types.js';

/** Where in the response the walker is: the pointer, its pattern (indexes as `*`), and the refs followed here. */
export interface Loc {
  pointer: string;
  pattern: string;
  depth: number;
  /** Schemas entered through `$ref` at this same location, so `A → B → A` without descending stops. */
  via: readonly object[];
}

export interface WalkContext {
  readonly root: JsonSchema;
  readonly dialect: SchemaDialect;
  strict: boolean;
  /** Whether evaluated property names are needed (strict mode or `unevaluatedProperties` somewhere). */
  readonly trackEvaluated: boolean;
  readonly safe: ReadonlySet<string>;
  readonly limits: SinkLimits;
  readonly now: () => number;
  readonly deadline: number;
  timedOut: boolean;
  tooDeep: boolean;
  ticks: number;
  readonly regexes: Map<string, RegExp | null>;
  readonly plans: WeakMap<object, NodePlan>;
  readonly refs: Map<string, JsonSchema | undefined>;
  anchors: Map<string, JsonSchemaObject> | undefined;
  readonly types: WeakMap<object, readonly string[] | null>;
  readonly tags: WeakMap<object, ReadonlyMap<string, readonly unknown[]>>;
}

/** The location of a property or array item under `loc`. */
export function childLoc(loc: Loc, segment: string | number): Loc {
  const escaped =
    typeof segment === 'number'
      ? String(segment)
      : segment.includes('~') || segment.includes('/')
        ? escapeSegment(segment)
        : segment;
  return {
    pointer: `${loc.pointer}/${escaped}`,
    pattern: `${loc.pattern}/${typeof segment === 'number' ? '*' : escaped}`,
    depth: loc.depth + 1,
    via: [],
  };
}

const MAX_RESOLVE_DEPTH = 8;
const TIME_CHECK_EVERY = 64;

/** True when the walk should stop: the sink gave up, or the time budget is spent. */
export function halted(sink: DriftSink, ctx: WalkContext): boolean {
  if (sink.stopped || ctx.timedOut) return true;
  ctx.ticks++;
  if (ctx.ticks % TIME_CHECK_EVERY === 0 && ctx.now() > ctx.deadline) ctx.timedOut = true;
  return ctx.timedOut;
}

export function isSafe(loc: Loc, ctx: WalkContext): boolean {
  return ctx.safe.has(loc.pointer) || ctx.safe.has(loc.pattern);
}

/**
 * The schema a `$ref` points at: local pointers, `#anchor`s and `$id`s inside the root. Anything else
 * (remote URLs) is `undefined` and constrains nothing here; ajv reports it at compile time.
 */
export function resolveRef(ref: string, ctx: WalkContext): JsonSchema | undefined {
  if (ctx.refs.has(ref)) return ctx.refs.get(ref);
  let target: unknown;
  const segments = refToSegments(ref);
  if (segments !== undefined) {
    target = resolveSegments(ctx.root, segments);
  } else {
    target = resolveNonPointerRef(ref, ctx);
  }
  const schema = typeof target === 'boolean' || isRecord(target) ? target : undefined;
  ctx.refs.set(ref, schema);
  return schema;
}

/** `#anchor`, `id`, `id#anchor`, `id#/pointer`: approximated against the `$id`s and anchors in the root. */
function resolveNonPointerRef(ref: string, ctx: WalkContext): unknown {
  ctx.anchors ??= indexAnchors(ctx.root);
  const hash = ref.indexOf('#');
  const base = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  if (base === '') return ctx.anchors.get(`#${fragment}`);
  const resource = ctx.anchors.get(base);
  if (resource === undefined || fragment === '') return resource;
  const segments = refToSegments(`#${fragment}`);
  return segments === undefined ? ctx.anchors.get(`#${fragment}`) : resolveSegments(resource, segments);
}

/** True when some subschema uses `unevaluatedProperties` (only then do evaluated names matter). */
export function usesUnevaluated(root: JsonSchema): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (isRecord(node) && 'unevaluatedProperties' in node) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

/** `$id`s (as written and by last path segment) and `#anchor`s of every subschema. */
function indexAnchors(root: JsonSchema): Map<string, JsonSchemaObject> {
  const index = new Map<string, JsonSchemaObject>();
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (isRecord(node)) {
      if (typeof node.$anchor === 'string') index.set(`#${node.$anchor}`, node);
      if (typeof node.$dynamicAnchor === 'string') index.set(`#${node.$dynamicAnchor}`, node);
      if (typeof node.$id === 'string') {
        index.set(node.$id, node);
        const last = node.$id.split('/').pop();
        if (last !== undefined && last !== '' && !index.has(last)) index.set(last, node);
      }
    }
    stack.push(...Object.values(node));
  }
  return index;
}

/** Follows `$ref` (when the node has nothing else to say about `key`) up to a few hops. */
function resolveFor(schema: JsonSchema, ctx: WalkContext, has: (s: JsonSchemaObject) => boolean): JsonSchema {
  let current = schema;
  for (let hop = 0; hop < MAX_RESOLVE_DEPTH; hop++) {
    if (!isRecord(current) || has(current) || typeof current.$ref !== 'string') return current;
    const target = resolveRef(current.$ref, ctx);
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

/** The types a subschema can accept, looking through `$ref`, `allOf`, `anyOf`/`oneOf`; `undefined` if any. */
export function declaredTypes(schema: unknown, ctx: WalkContext, depth = 0): readonly string[] | undefined {
  if (schema === false) return [];
  if (!isRecord(schema) || depth > MAX_RESOLVE_DEPTH) return undefined;
  const cached = ctx.types.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  const types = computeTypes(schema, ctx, depth);
  ctx.types.set(schema, types ?? null);
  return types;
}

function computeTypes(
  schema: JsonSchemaObject,
  ctx: WalkContext,
  depth: number,
): readonly string[] | undefined {
  const own = typeList(schema.type);
  if (own !== undefined) return own;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, ctx);
    const viaRef = target === undefined ? undefined : declaredTypes(target, ctx, depth + 1);
    if (viaRef !== undefined) return viaRef;
  }
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) {
      const types = declaredTypes(member, ctx, depth + 1);
      if (types !== undefined) return types;
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (!Array.isArray(members)) continue;
    const union = new Set<string>();
    for (const member of members) {
      const types = declaredTypes(member, ctx, depth + 1);
      if (types === undefined) return undefined;
      for (const t of types) union.add(t);
    }
    return [...union];
  }
  if ('const' in schema) return [jsonTypeName(schema.const)];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonTypeName))];
  return undefined;
}

/**
 * Properties whose value tags a branch (`type: { const: card }` or a one-value `enum`), looking through
 * `$ref` and `allOf`: what OpenAPI discriminators point at, without needing the `discriminator` keyword.
 */
export function branchTags(
  schema: unknown,
  ctx: WalkContext,
  depth = 0,
): ReadonlyMap<string, readonly unknown[]> {
  const resolved = isRecord(schema) ? resolveFor(schema, ctx, (s) => isRecord(s.properties)) : schema;
  if (!isRecord(resolved) || depth > 3) return new Map();
  const cached = ctx.tags.get(resolved);
  if (cached !== undefined) return cached;
  const tags = new Map<string, readonly unknown[]>();
  if (isRecord(resolved.properties)) {
    for (const [name, sub] of Object.entries(resolved.properties)) {
      const property = resolveFor(sub as JsonSchema, ctx, (s) => 'const' in s || 'enum' in s);
      if (!isRecord(property)) continue;
      if ('const' in property) tags.set(name, [property.const]);
      else if (Array.isArray(property.enum) && property.enum.length === 1) tags.set(name, property.enum);
    }
  }
  if (Array.isArray(resolved.allOf)) {
    for (const member of resolved.allOf) {
      for (const [name, values] of branchTags(member, ctx, depth + 1))
        if (!tags.has(name)) tags.set(name, values);
    }
  }
  ctx.tags.set(resolved, tags);
  return tags;
}

/** A few words for what a schema expects: `integer`, `string (date-time) or null`, `one of: a, b`, `present`. */
export function describeSchema(schema: unknown, ctx: WalkContext, depth = 0): string {
  if (schema === true) return 'present';
  if (schema === false) return 'absent';
  if (!isRecord(schema) || depth > MAX_RESOLVE_DEPTH) return 'present';
  const types = typeList(schema.type);
  if (types !== undefined) return describeTypes(types, schema.format);
  if ('const' in schema) return describeEnum([schema.const]);
  if (Array.isArray(schema.enum)) return describeEnum(schema.enum);
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, ctx);
    if (target !== undefined) return describeSchema(target, ctx, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0)
    return describeSchema(schema.allOf[0], ctx, depth + 1);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members) && members.length > 0) {
      return [...new Set(members.map((m) => describeSchema(m, ctx, depth + 1)))].join(' or ');
    }
  }
  return 'present';
}
