/**
 * `oneOf`/`anyOf` for the drift walker. ajv's errors for these list every branch's failures, which tells a
 * responder nothing; here the value is matched to the branch it was meant to be (its tag, then its type, then
 * the fewest differences) and only that branch's differences are reported.
 */
import type { DriftKind } from '../check-result.js';
import {
  branchTags,
  childLoc,
  describeSchema,
  declaredTypes,
  isSafe,
  type Loc,
  type WalkContext,
} from './drift-context.js';
import { DriftSink } from './drift-sink.js';
import { describeEnum, displayValue, jsonEqual, jsonTypeName, matchesType } from './drift-values.js';
import { isRecord, type JsonSchema } from './types.js';

/** Property names a schema evaluated at one location: for `unevaluatedProperties` and strict `added`. */
export class Evaluated {
  /** Created on first use: most locations are scalars and never need one. */
  private names: Set<string> | undefined;
  /** Every property was evaluated (`additionalProperties` or `unevaluatedProperties` present). */
  all = false;
  /** Some applied schema declared object properties; a free-form `{ type: object }` does not. */
  shaped = false;

  add(name: string): void {
    (this.names ??= new Set()).add(name);
  }

  has(name: string): boolean {
    return this.names?.has(name) ?? false;
  }

  merge(other: Evaluated): void {
    if (other.names !== undefined) for (const name of other.names) this.add(name);
    this.all ||= other.all;
    this.shaped ||= other.shaped;
  }
}

export type Walk = (
  schema: JsonSchema,
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
) => Evaluated;

/** How a branch's tag fits the value: 0 tag matches, 1 no tag to compare, 2 tag differs. */
type TagFit = 0 | 1 | 2;

interface Candidate {
  schema: JsonSchema;
  tag: TagFit;
  /** `false` only when the branch's declared types exclude the value's type. */
  typeFits: boolean | undefined;
}

export function report(sink: DriftSink, loc: Loc, kind: DriftKind, expected: string, actual: string): void {
  sink.add({ pointer: loc.pointer, kind, expected, actual }, loc.pattern);
}

/** What a value may be shown as in `actual`: its JSON type unless the location is declared safe. */
export function shown(value: unknown, loc: Loc, ctx: WalkContext): string {
  return isSafe(loc, ctx) ? displayValue(value) : jsonTypeName(value);
}

/**
 * Walks the branch the value was meant to match and reports its differences only. A branch whose tag or type
 * contradicts the value cannot be the one that fits, so it is only scored when no branch is viable.
 */
export function walkBranches(
  branches: readonly unknown[],
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  walk: Walk,
): Evaluated {
  const candidates: Candidate[] = [];
  for (const schema of branches) {
    if (typeof schema !== 'boolean' && !isRecord(schema)) continue;
    candidates.push({ schema, tag: tagFit(schema, value, ctx), typeFits: typeFit(schema, value, ctx) });
  }
  const viable = candidates.filter((c) => c.tag !== 2 && c.typeFits !== false);
  // The common case (a tagged union, or `T | null`): exactly one branch can be meant, walk it in place.
  if (viable.length === 1 && viable[0] !== undefined) return walk(viable[0].schema, value, loc, sink, ctx);
  if (viable.length > 1) return walkBest(viable, value, loc, sink, ctx, walk);
  if (candidates.length === 0) return new Evaluated();
  const typed = candidates.filter((c) => c.typeFits !== false);
  if (typed.length === 0) {
    const expected = [...new Set(candidates.map((c) => describeSchema(c.schema, ctx)))].join(' or ');
    report(sink, loc, value === null ? 'became-null' : 'type-changed', expected, jsonTypeName(value));
    return new Evaluated();
  }
  if (reportUnknownTag(typed, value, loc, sink, ctx)) return new Evaluated();
  return walkBest(candidates, value, loc, sink, ctx, walk);
}

/**
 * Scores branches in their own sinks: the right type and a matching tag first, then the fewest differences
 * (earlier wins ties).
 * A branch stops as soon as it cannot win; a clean branch ends the search.
 */
function walkBest(
  candidates: readonly Candidate[],
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
  walk: Walk,
): Evaluated {
  // A branch of the wrong type is the least likely meant, even when its tag differs from the value's.
  const tier = (c: Candidate) => (c.typeFits === false ? 3 : c.tag);
  const ordered = [...candidates].sort((a, b) => tier(a) - tier(b));
  let best: { candidate: Candidate; sink: DriftSink; evaluated: Evaluated } | undefined;
  for (const candidate of ordered) {
    if (best !== undefined && best.sink.raw === 0) break;
    // Within the preferred tier the fewest differences win; outside it only a branch that fits exactly does.
    const abortAt =
      best === undefined ? undefined : tier(candidate) === tier(best.candidate) ? best.sink.raw : 1;
    const branchSink = new DriftSink(ctx.limits, abortAt);
    const evaluated = walk(candidate.schema, value, loc, branchSink, ctx);
    if (branchSink.aborted) continue;
    if (best === undefined || branchSink.raw < best.sink.raw)
      best = { candidate, sink: branchSink, evaluated };
    if (ctx.timedOut) break;
  }
  if (best === undefined) return new Evaluated();
  sink.absorb(best.sink);
  return best.evaluated;
}

function tagFit(schema: JsonSchema, value: unknown, ctx: WalkContext): TagFit {
  if (!isRecord(value)) return 1;
  let differs = false;
  for (const [name, allowed] of branchTags(schema, ctx)) {
    if (!Object.hasOwn(value, name)) continue;
    if (allowed.some((a) => jsonEqual(a, value[name]))) return 0;
    differs = true;
  }
  return differs ? 2 : 1;
}

function typeFit(schema: JsonSchema, value: unknown, ctx: WalkContext): boolean | undefined {
  const types = declaredTypes(schema, ctx);
  return types === undefined ? undefined : matchesType(types, value);
}

/**
 * Every branch is tagged and the value's tag is none of them: a variant the schema does not know (a new
 * payment method type). One `enum-value` on the tag says it; the rest of the object has no known shape.
 */
function reportUnknownTag(
  candidates: readonly Candidate[],
  value: unknown,
  loc: Loc,
  sink: DriftSink,
  ctx: WalkContext,
): boolean {
  if (!isRecord(value) || candidates.length < 2 || candidates.some((c) => c.tag !== 2)) return false;
  const tagSets = candidates.map((c) => branchTags(c.schema, ctx));
  const first = tagSets[0];
  if (first === undefined) return false;
  for (const name of first.keys()) {
    if (!Object.hasOwn(value, name) || !tagSets.every((tags) => tags.has(name))) continue;
    const allowed = tagSets.flatMap((tags) => tags.get(name) ?? []);
    const at = childLoc(loc, name);
    const actual = value[name];
    if (actual === null) report(sink, at, 'became-null', describeEnum(allowed), 'null');
    else report(sink, at, 'enum-value', describeEnum(allowed), shown(actual, at, ctx));
    return true;
  }
  return false;
}
