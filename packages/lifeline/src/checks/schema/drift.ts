/**
 * Schema drift: walks a response and its schema together and names every difference by JSON pointer and kind
 * (`type-changed`, `became-null`, `required-missing`, `removed`, `added`, `enum-value`, `format`). Values are
 * never copied into the report unless their pointer is declared safe: responses may hold personal data.
 */
import { performance } from 'node:perf_hooks';
import type { DriftEntry } from '../check-result.js';
import { Evaluated, report, shown, walkBranches } from './drift-branches.js';
import {
  childLoc,
  describeSchema,
  halted,
  resolveRef,
  usesUnevaluated,
  type Loc,
  type WalkContext,
} from './drift-context.js';
import { nodePlan, type ArrayPlan, type NodePlan, type ObjectPlan } from './drift-plan.js';
import { DriftSink } from './drift-sink.js';
import {
  describeEnum,
  describeTypes,
  formatType,
  jsonEqual,
  jsonTypeName,
  matchesType,
  passesFormat,
} from './drift-values.js';
import { isRecord, type JsonSchema, type SchemaDialect } from './types.js';

export interface DriftOptions {
  /** Also report optional properties that are absent (`removed`) and undeclared ones (`added`). */
  strict?: boolean;
  /**
   * Pointers whose values may be shown in `actual`: exact (`/object`), or as a pattern with `*` in place of
   * every array index (`/data/*` followed by `/status`).
   */
  safePointers?: readonly string[];
  /** At most this many entries (default 50). */
  maxEntries?: number;
  /** Stop after this long, reporting what was found (default 50 ms). */
  timeBudgetMs?: number;
  /** At most this many entries per (pointer pattern, kind) (default 3). */
  maxPerPattern?: number;
  /** How to read `items` arrays and friends (default `2020-12`). */
  dialect?: SchemaDialect;
  /** Clock for the time budget, in milliseconds; injectable for tests. */
  now?: () => number;
}

export interface DriftReport {
  entries: DriftEntry[];
  /** True when entries were left out: entry cap, per-pattern cap, time budget or nesting depth. */
  truncated: boolean;
}

const MAX_DEPTH = 200;
const ROOT: Loc = { pointer: '', pattern: '', depth: 0, via: [] };

/**
 * Compares `value` with `schema` and lists the differences. Never throws on JSON input.
 * @example
 *   analyzeDrift(schema, { data: [{ amount: '12.50' }] })
 *   // → { entries: [{ pointer: '/data/0/amount', kind: 'type-changed', expected: 'integer', actual: 'string' }],
 *   //     truncated: false }
 */
export function analyzeDrift(schema: JsonSchema, value: unknown, options: DriftOptions = {}): DriftReport {
  const now = options.now ?? (() => performance.now());
  const ctx: WalkContext = {
    root: schema,
    dialect: options.dialect ?? '2020-12',
    strict: options.strict ?? false,
    trackEvaluated: options.strict === true || usesUnevaluated(schema),
    safe: new Set(options.safePointers ?? []),
    limits: {
      maxEntries: Math.max(0, options.maxEntries ?? 50),
      maxPerPattern: Math.max(1, options.maxPerPattern ?? 3),
    },
    now,
    deadline: now() + (options.timeBudgetMs ?? 50),
    timedOut: false,
    tooDeep: false,
    ticks: 0,
    regexes: new Map(),
    plans: new WeakMap(),
    refs: new Map(),
    anchors: undefined,
    types: new WeakMap(),
    tags: new WeakMap(),
  };
  const sink = new DriftSink(ctx.limits);
  try {
    walkLocation(schema, value, ROOT, sink, ctx);
  } catch (error) {
    // Only a pathological nesting can exhaust the stack; what was found so far is still worth reporting.
    if (!(error instanceof RangeError)) throw error;
    ctx.tooDeep = true;
  }
  return { entries: [...sink.entries], truncated: sink.truncated || ctx.timedOut || ctx.tooDeep };
}

/** Walks one location of the response; in strict mode, also reports properties no schema there declared. */
function walkLocation(schema: JsonSchema, value: unknown, loc: Loc, sink: DriftSink, ctx: WalkContext): void {
  const evaluated = walk(schema, value, loc, sink, ctx);
  if (!ctx.strict || !isRecord(value) || !evaluated.shaped || evaluated.all) return;
  for (const name of Object.keys(value)) {
    if (evaluated.has(name)) continue;
    const at = childLoc(loc, name);
    report(sink, at, 'added', 'absent', shown(value[name], at, ctx));
  }
}

/** Applies every keyword of one schema object to the value at `loc`. */
function walk(schema: JsonSchema, value: unknown, loc: Loc, sink: DriftSink, ctx: WalkContext): Evaluated {
  const evaluated = new Evaluated();
  if (halted(sink, ctx) || schema === true) return evaluated;
  if (schema === false) {
    report(sink, loc, 'added', 'absent', shown(value, loc, ctx));
    return evaluated;
  }
  if (!isRecord(schema)) return evaluated;
  if (loc.depth > MAX_DEPTH) {
    ctx.tooDeep = true;
    return evaluated;
  }
  const plan = nodePlan(schema, ctx);
  if (value === null && plan.nullable) return evaluated;
  // A value of the wrong type has no properties, items or format worth comparing.
  if (plan.types !== undefined && !matchesType(plan.types, value)) {
    const expected = describeTypes(plan.types, plan.format);
    if (value === null) report(sink, loc, 'became-null', expected, 'null');
    else report(sink, loc, 'type-changed', expected, jsonTypeName(value));
    return evaluated;
  }
  checkValue(plan, value, loc, sink, ctx);
  if (plan.ref !== undefined) followRef(plan.ref, value, loc, sink, ctx, evaluated);
  if (plan.object !== undefined && isRecord(value)) walkObject(plan.object, value, loc, sink, ctx, evaluated);
  else if (plan.array !== undefined && Array.isArray(value)) walkArray(plan.array, value, loc, sink, ctx);
  if (plan.allOf.length > 0 || plan.branches.length > 0 || plan.condition !== undefined) {
    applyCombinators(plan, value, loc, sink, ctx, evaluated);
  }
  if (plan.unevaluated !== undefined && isRecord(value)) {
    walkUnevaluated(plan.unevaluated, value, loc, sink, ctx, evaluated);
  }
  return evaluated;
}

function checkValue(plan: NodePlan, value: unknown, loc: Loc, sink: DriftSink, ctx: WalkContext): void {
  const allowed = plan.allowed;
  if (allowed !== undefined && !allowed.some((candidate) => jsonEqual(candidate, value))) {
    if (value === null) {
      // `type: [string, null]` with an enum lacking null: naming the types would say null is fine.
      const named = plan.types !== undefined && !plan.types.includes('null');
      const expected = named ? describeTypes(plan.types ?? [], plan.format) : describeEnum(allowed);
      report(sink, loc, 'became-null', expected, 'null');
    } else {
      report(sink, loc, 'enum-value', describeEnum(allowed), shown(value, loc, ctx));
    }
    return;
  }
  if (plan.format !== undefined && passesFormat(plan.format, value) === false) {
    report(sink, loc, 'format', `${formatType(plan.format)} (${plan.format})`, shown(value, loc, ctx));
  }
}

function followRef(
  ref: string,
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  evaluated: Evaluated,
): void {
  const target = resolveRef(ref, ctx);
  if (target === undefined) return;
  if (typeof target === 'object') {
    // `A: { $ref: B }, B: { $ref: A }` would never consume any of the value.
    if (loc.via.includes(target)) return;
    evaluated.merge(walk(target, value, { ...loc, via: [...loc.via, target] }, sink, ctx));
  } else {
    evaluated.merge(walk(target, value, loc, sink, ctx));
  }
}

function applyCombinators(
  plan: NodePlan,
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  evaluated: Evaluated,
): void {
  for (const member of plan.allOf) evaluated.merge(walk(member, value, loc, sink, ctx));
  for (const branches of plan.branches) evaluated.merge(walkBranches(branches, value, loc, sink, ctx, walk));
  const condition = plan.condition;
  if (condition === undefined) return;
  // The condition only selects then/else; its own differences are not drift.
  const probe = new DriftSink(ctx.limits, 1);
  const strict = ctx.strict;
  ctx.strict = false;
  const met = walk(condition.if, value, loc, probe, ctx);
  ctx.strict = strict;
  if (probe.raw === 0) evaluated.merge(met);
  const chosen = probe.raw === 0 ? condition.then : condition.else;
  if (chosen !== undefined) evaluated.merge(walk(chosen, value, loc, sink, ctx));
}

function walkObject(
  plan: ObjectPlan,
  value: Record<string, unknown>,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  evaluated: Evaluated,
): void {
  if (plan.shaped) evaluated.shaped = true;
  for (const [name, sub] of plan.properties) {
    if (halted(sink, ctx)) return;
    if (Object.hasOwn(value, name)) {
      if (ctx.trackEvaluated) evaluated.add(name);
      walkLocation(sub, value[name], childLoc(loc, name), sink, ctx);
    } else if (plan.required.has(name)) {
      report(sink, childLoc(loc, name), 'required-missing', describeSchema(sub, ctx), 'absent');
    } else if (ctx.strict && sub !== false) {
      report(sink, childLoc(loc, name), 'removed', describeSchema(sub, ctx), 'absent');
    }
  }
  for (const name of plan.requiredUndeclared) reportAbsent(name, value, loc, sink);
  for (const [trigger, names] of plan.dependentRequired) {
    if (Object.hasOwn(value, trigger)) for (const name of names) reportAbsent(name, value, loc, sink);
  }
  for (const [trigger, sub] of plan.dependentSchemas) {
    if (Object.hasOwn(value, trigger)) evaluated.merge(walk(sub, value, loc, sink, ctx));
  }
  if (plan.patterns.length > 0 || plan.extra !== undefined)
    walkExtraProperties(plan, value, loc, sink, ctx, evaluated);
}

function reportAbsent(name: string, value: Record<string, unknown>, loc: Loc, sink: DriftSink): void {
  if (!Object.hasOwn(value, name)) report(sink, childLoc(loc, name), 'required-missing', 'present', 'absent');
}

/** `patternProperties` and `additionalProperties`: the properties `properties` does not name. */
function walkExtraProperties(
  plan: ObjectPlan,
  value: Record<string, unknown>,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  evaluated: Evaluated,
): void {
  for (const name of Object.keys(value)) {
    if (halted(sink, ctx)) return;
    let matched = false;
    for (const [pattern, sub] of plan.patterns) {
      if (!pattern.test(name)) continue;
      matched = true;
      if (ctx.trackEvaluated) evaluated.add(name);
      walkLocation(sub, value[name], childLoc(loc, name), sink, ctx);
    }
    if (matched || plan.extra === undefined || plan.declared.has(name)) continue;
    walkLocation(plan.extra, value[name], childLoc(loc, name), sink, ctx);
  }
  if (plan.extra !== undefined) evaluated.all = true;
}

function walkArray(
  plan: ArrayPlan,
  value: readonly unknown[],
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
): void {
  for (let i = 0; i < value.length; i++) {
    if (halted(sink, ctx)) return;
    const sub = i < plan.prefix.length ? plan.prefix[i] : plan.rest;
    if (typeof sub === 'boolean' || isRecord(sub)) walkLocation(sub, value[i], childLoc(loc, i), sink, ctx);
  }
}

/** `unevaluatedProperties`: whatever no other keyword at this location looked at. */
function walkUnevaluated(
  rest: JsonSchema,
  value: Record<string, unknown>,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  evaluated: Evaluated,
): void {
  if (evaluated.all) return;
  for (const name of Object.keys(value)) {
    if (halted(sink, ctx)) return;
    if (!evaluated.has(name)) walkLocation(rest, value[name], childLoc(loc, name), sink, ctx);
  }
  evaluated.all = true;
  evaluated.shaped = true;
}
