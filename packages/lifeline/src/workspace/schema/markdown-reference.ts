/**
 * The key reference of the workspace format in Markdown, generated from the same TypeBox definitions the loader
 * validates with (decision 001): one section per thing (the root file, an integration, each auth variant, each
 * check kind, …), each a table `key | type | required | description`. `npm run schema` writes it into
 * docs/workspace.md between REFERENCE_START and REFERENCE_END; a test fails when the committed copy is stale.
 *
 * Objects listed in OWN_SECTIONS and shared (`$id`) schemas get a section of their own and are linked; other
 * nested objects are listed inline as `parent.key`, `list[].key` or `map.<key>.key`. Tagged unions (auth `type`,
 * check `kind`, …) get a section listing the variants and the keys they share, and one section per variant.
 */
import { RootFileSchema, IncludedFileSchema, SHARED_SCHEMAS } from './workspace-file.js';
import {
  Duration,
  FailureClassSchema,
  Id,
  JsonPointer,
  Percentage,
  PercentileSchema,
  Secret,
  SecretOrText,
  Size,
  Url,
  VALUE_KIND_KEYWORD,
  type ValueKind,
} from './primitives.js';

export const REFERENCE_START = '<!-- reference:start -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** The parts of a JSON Schema the reference reads. */
interface Schema {
  $id?: string;
  $ref?: string;
  type?: string;
  description?: string;
  const?: string | number | boolean;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  patternProperties?: Record<string, Schema>;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  [VALUE_KIND_KEYWORD]?: ValueKind;
}

/** Plain JSON of a TypeBox schema (its symbols dropped), so schemas can be compared and walked as data. */
function plain(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema)) as Schema;
}

/** Nested objects that get a section of their own, by `section title.key`; others are listed inline. */
const OWN_SECTIONS: Record<string, string> = {
  'Integration.auth': 'Auth',
  'Integration.endpoints': 'Endpoint',
  'Integration.slo': 'SLO',
  'Integration.checks': 'Check',
  'Team.members': 'Member',
  'Escalation policy.levels': 'Escalation level',
  'Escalation level.notify': 'Escalation target',
  'Playbook.trigger': 'Criteria',
  'Playbook.success': 'Criteria',
  'Playbook.rollback': 'Criteria',
  'Playbook.steps': 'Step',
};

const KIND_NAMES: Record<ValueKind, string> = {
  id: 'id',
  duration: 'duration',
  percentage: 'percentage',
  size: 'size',
  secret: 'secret reference',
  'secret-or-text': 'text or secret reference',
  url: 'URL',
  'json-pointer': 'JSON pointer',
  'http-status': 'HTTP status',
};

/** Value kinds explained in the legend, with the default description of their builder. */
const KIND_LEGEND: [ValueKind, Schema][] = [
  ['id', plain(Id())],
  ['duration', plain(Duration())],
  ['percentage', plain(Percentage())],
  ['size', plain(Size())],
  ['secret', plain(Secret())],
  ['secret-or-text', plain(SecretOrText())],
  ['url', plain(Url())],
  ['json-pointer', plain(JsonPointer())],
];

/** Sets of literals used in many places, named once in the legend instead of listed in every row. */
const NAMED_SETS = [
  { name: 'failure class', schema: plain(FailureClassSchema) },
  { name: 'percentile', schema: plain(PercentileSchema) },
].map((set) => ({ ...set, json: JSON.stringify(set.schema) }));

/** Key patterns of maps, named for the `map.<name>.key` rows. */
const MAP_KEY_NAMES: Record<string, string> = { '^([1-5][0-9X]{2}|default)$': 'status' };

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}';

const PLURALS: [RegExp, string][] = [
  [/^failure class\b/, 'failure classes'],
  [/^(id|string|integer|number|object|percentile|JSON pointer|URL|duration|date)\b/, '$1s'],
];

interface Row {
  key: string;
  type: string;
  required: boolean;
  description: string;
}

interface Use {
  from: Section;
  key: string;
}

interface Variant {
  value: string;
  description: string;
  section: Section;
}

interface Section {
  title: string;
  anchor: string;
  /** Descriptions of the schemas this section was reached through; shown when they agree. */
  descriptions: Set<string>;
  rows: Row[];
  uses: Use[];
  note?: string;
  union?: { tag: string; variants: Variant[] };
  variant?: { of: Section; value: string };
}

interface Described {
  type: string;
  /** An inline object whose keys are listed under this one, with the prefix they get. */
  nested?: { schema: Schema; prefix: string };
}

function anchorOf(title: string): string {
  return `ref-${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

function code(value: string | number | boolean): string {
  return `\`${String(value)}\``;
}

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function plural(type: string): string {
  for (const [pattern, replacement] of PLURALS)
    if (pattern.test(type)) return type.replace(pattern, replacement);
  return type;
}

/** `EscalationPolicy` → `Escalation policy`. */
function humanize(id: string): string {
  return id.replace(/(?<=[a-z])([A-Z])/g, (c) => ` ${c.toLowerCase()}`);
}

/** The property whose string `const` tells the variants of a union of objects apart, if there is one. */
function tagOf(schema: Schema): string | undefined {
  const variants = schema.anyOf;
  if (!variants?.length || !variants.every((v) => v.properties)) return undefined;
  return Object.keys(variants[0]!.properties!).find((key) =>
    variants.every((v) => typeof v.properties?.[key]?.const === 'string'),
  );
}

/**
 * Keys every variant has, with the schema and requiredness most of them share (a variant may override one, as
 * the `wait` step does with a required `timeout`), except the tag.
 */
function commonKeys(variants: Schema[], tag: string): Schema {
  const common: Schema = { properties: {}, required: [] };
  for (const key of Object.keys(variants[0]!.properties!)) {
    if (key === tag || !variants.every((v) => v.properties?.[key])) continue;
    const counts = new Map<string, number>();
    for (const v of variants) counts.set(signature(v, key), (counts.get(signature(v, key)) ?? 0) + 1);
    const [best, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    if (count < 2 || count * 2 <= variants.length) continue;
    const owner = variants.find((v) => signature(v, key) === best)!;
    common.properties![key] = owner.properties![key]!;
    if ((owner.required ?? []).includes(key)) common.required!.push(key);
  }
  return common;
}

function signature(schema: Schema, key: string): string {
  return JSON.stringify([schema.properties?.[key], (schema.required ?? []).includes(key)]);
}

function sortedRows(rows: Row[]): string {
  return JSON.stringify([...rows].sort((a, b) => a.key.localeCompare(b.key)));
}

class ReferenceBuilder {
  readonly sections: Section[] = [];
  private readonly byTitle = new Map<string, Section>();

  constructor(private readonly shared: ReadonlyMap<string, Schema>) {}

  /** The section of a schema under a title, created and filled on first use. */
  section(title: string, schema: Schema, use?: Use): Section {
    let section = this.byTitle.get(title);
    if (!section) {
      section = this.create(title);
      this.fill(section, schema);
    }
    if (schema.description) section.descriptions.add(schema.description);
    if (use) section.uses.push(use);
    return section;
  }

  private create(title: string, variant?: Section['variant']): Section {
    const section: Section = {
      title,
      anchor: anchorOf(title),
      descriptions: new Set(),
      rows: [],
      uses: [],
      ...(variant ? { variant } : {}),
    };
    this.byTitle.set(title, section);
    this.sections.push(section);
    return section;
  }

  private remove(section: Section): void {
    this.byTitle.delete(section.title);
    this.sections.splice(this.sections.indexOf(section), 1);
  }

  private fill(section: Section, schema: Schema): void {
    const tag = tagOf(schema);
    if (!tag) {
      section.rows = this.rows(schema, section, '');
      return;
    }
    const variants = schema.anyOf!;
    const common = commonKeys(variants, tag);
    const made = variants.map((v) => {
      const value = String(v.properties![tag]!.const);
      return { schema: v, value, section: this.create(`${section.title}: ${value}`, { of: section, value }) };
    });
    section.union = { tag, variants: [] };
    for (const { schema: v, value, section: own } of made) {
      own.descriptions.add(v.description ?? '');
      const shared = Object.keys(common.properties!).filter(
        (key) => signature(v, key) === signature(common, key),
      );
      const tagRow = { key: tag, type: code(value), required: true, description: 'Selects this variant.' };
      own.rows = [tagRow, ...this.rows(v, own, '', new Set([...shared, tag]))];
      // A variant with exactly the keys of one declared before (a compensation and its step action) links there.
      const twin = this.sections.find(
        (s) => s !== own && s.variant && sortedRows(s.rows) === sortedRows(own.rows),
      );
      if (twin) this.remove(own);
      section.union.variants.push({ value, description: v.description ?? '', section: twin ?? own });
    }
    const tagRow: Row = {
      key: tag,
      type: made.map((m) => code(m.value)).join(' | '),
      required: true,
      description: 'Which variant; see the table above.',
    };
    section.rows = [tagRow, ...this.rows(common, section, '')];
  }

  private rows(schema: Schema, owner: Section, prefix: string, skip: ReadonlySet<string> = new Set()): Row[] {
    const rows: Row[] = [];
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (skip.has(key)) continue;
      const path = `${prefix}${key}`;
      const { type, nested } = this.describe(property, owner, path);
      rows.push({
        key: path,
        type,
        required: (schema.required ?? []).includes(key),
        description: this.descriptionOf(property),
      });
      if (nested) rows.push(...this.rows(nested.schema, owner, nested.prefix));
    }
    return rows;
  }

  private descriptionOf(schema: Schema): string {
    const target = schema.items ?? schema;
    const shared = target.$ref ? this.shared.get(target.$ref) : undefined;
    return schema.description ?? target.description ?? shared?.description ?? '';
  }

  private link(section: Section): string {
    return `[${headingOf(section)}](#${section.anchor})`;
  }

  private describe(s: Schema, owner: Section, path: string): Described {
    const use = { from: owner, key: path };
    if (s.$ref) return { type: this.link(this.section(humanize(s.$ref), this.resolve(s.$ref), use)) };
    const named = NAMED_SETS.find((set) => set.json === JSON.stringify(s));
    if (named) return { type: named.name };
    const kind = s[VALUE_KIND_KEYWORD];
    if (kind) return { type: KIND_NAMES[kind] };
    if (s.const !== undefined) return { type: code(s.const) };
    const own = OWN_SECTIONS[`${owner.title}.${path}`];
    if (s.anyOf) {
      if (tagOf(s)) return { type: this.link(this.section(own ?? humanize(path), s, use)) };
      if (s.anyOf.every((v) => v.const !== undefined))
        return { type: s.anyOf.map((v) => code(v.const!)).join(' | ') };
      return { type: s.anyOf.map((v) => this.describe(v, owner, path).type).join(' or ') };
    }
    if (s.type === 'array' && s.items) {
      const inner = this.describe(s.items, owner, path);
      const list = `${s.minItems ? 'non-empty ' : ''}list of ${plural(inner.type)}`;
      if (!inner.nested) return { type: list };
      return { type: list, nested: { ...inner.nested, prefix: `${path}[].` } };
    }
    if (s.type === 'object' && s.properties) {
      if (own) return { type: this.link(this.section(own, s, use)) };
      return { type: 'object', nested: { schema: s, prefix: `${path}.` } };
    }
    if (s.type === 'object' && s.patternProperties) return this.describeMap(s, owner, path);
    return { type: scalarType(s) };
  }

  private describeMap(s: Schema, owner: Section, path: string): Described {
    const [pattern, value] = Object.entries(s.patternProperties!)[0]!;
    const key = MAP_KEY_NAMES[pattern] ?? 'string';
    const inner = this.describe(value, owner, path);
    const type = `map of ${key} → ${inner.type}`;
    if (!inner.nested) return { type };
    return { type, nested: { ...inner.nested, prefix: `${path}.<${key === 'string' ? 'key' : key}>.` } };
  }

  private resolve(ref: string): Schema {
    const schema = this.shared.get(ref);
    if (!schema) throw new Error(`unknown shared schema \`${ref}\``);
    return schema;
  }
}

function scalarType(s: Schema): string {
  switch (s.type) {
    case 'integer':
    case 'number': {
      if (s.minimum !== undefined && s.maximum !== undefined) return `${s.type} ${s.minimum}–${s.maximum}`;
      if (s.minimum !== undefined) return `${s.type} ≥ ${s.minimum}`;
      if (s.exclusiveMinimum !== undefined) return `${s.type} > ${s.exclusiveMinimum}`;
      return s.type;
    }
    case 'string':
      return s.pattern === DATE_PATTERN ? 'date (`YYYY-MM-DD`)' : 'string';
    case 'boolean':
      return '`true` | `false`';
    case undefined:
      return 'any value';
    default:
      return s.type;
  }
}

function headingOf(section: Section): string {
  return section.variant ? `${section.variant.of.title}: ${code(section.variant.value)}` : section.title;
}

function table(rows: Row[]): string[] {
  return [
    '| key | type | required | description |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${code(r.key)} | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(r.description)} |`,
    ),
  ];
}

/** "Used in [Playbook](#ref-playbook) `trigger`, `success`; [Step](#ref-step) `guard.when`." */
function usedIn(section: Section, live: ReadonlySet<Section>): string | undefined {
  const byOwner = new Map<Section, string[]>();
  for (const use of section.uses) {
    if (!live.has(use.from)) continue;
    const keys = byOwner.get(use.from) ?? [];
    if (!keys.includes(use.key)) keys.push(use.key);
    byOwner.set(use.from, keys);
  }
  if (!byOwner.size) return undefined;
  const parts = [...byOwner].map(
    ([owner, keys]) => `[${headingOf(owner)}](#${owner.anchor}) ${keys.map(code).join(', ')}`,
  );
  return `Used in ${parts.join('; ')}.`;
}

function intro(section: Section, live: ReadonlySet<Section>): string {
  const parts: string[] = [];
  if (section.descriptions.size === 1) parts.push([...section.descriptions][0]!);
  const group = section.variant?.of;
  if (group && group.rows.length > 1)
    parts.push(`Also takes the [keys of every ${group.title.toLowerCase()}](#${group.anchor}).`);
  const uses = usedIn(section, live);
  if (uses) parts.push(uses);
  if (section.note) parts.push(section.note);
  return parts.filter(Boolean).join(' ');
}

function renderSection(section: Section, live: ReadonlySet<Section>): string[] {
  const lines = [`<a id="${section.anchor}"></a>`, '', `### ${headingOf(section)}`, ''];
  const text = intro(section, live);
  if (text) lines.push(text, '');
  if (section.union) {
    const { tag, variants } = section.union;
    lines.push(`| ${code(tag)} | description |`, '| --- | --- |');
    for (const v of variants)
      lines.push(`| [${code(v.value)}](#${v.section.anchor}) | ${cell(v.description)} |`);
    lines.push('');
    if (variants.some((v) => v.section.variant?.of !== section))
      lines.push('Each takes exactly the keys in the table of the linked section.', '');
    // Only the tag: the table above says it all.
    if (section.rows.length === 1) return lines;
    lines.push(`Keys of every ${section.title.toLowerCase()}:`, '');
  }
  lines.push(...table(section.rows), '');
  return lines;
}

function legend(): string[] {
  const rows = [
    ...KIND_LEGEND.map(([kind, schema]) => `| ${KIND_NAMES[kind]} | ${cell(schema.description ?? '')} |`),
    ...NAMED_SETS.map(
      (set) =>
        `| ${set.name} | ${cell(set.schema.description ?? '')} One of ${(set.schema.anyOf ?? []).map((v) => code(v.const!)).join(', ')}. |`,
    ),
  ];
  return [
    'Generated from the schema definitions by `npm run schema`; do not edit this part by hand.',
    '',
    'A key `a.b` is key `b` of the mapping under `a`; `a[].b` is key `b` of each item of the list `a`;',
    '`a.<key>.b` is key `b` of each value of the map `a`. A nested key marked required is required when its',
    'parent is present. Value types:',
    '',
    '| type | written as |',
    '| --- | --- |',
    ...rows,
    '',
  ];
}

/** The generated key reference (the text between the markers, without them). Deterministic. */
export function generateKeyReference(): string {
  const shared = new Map(
    SHARED_SCHEMAS.map((s) => {
      const json = plain(s);
      return [json.$id!, json] as const;
    }),
  );
  const builder = new ReferenceBuilder(shared);
  const root = builder.section('Workspace root', plain(RootFileSchema));
  const rootKeys = Object.keys(plain(RootFileSchema).properties ?? {});
  const includedKeys = Object.keys(plain(IncludedFileSchema).properties ?? {});
  root.note =
    `A file named by \`include\` takes ${includedKeys.map(code).join(', ')}; ` +
    `${rootKeys
      .filter((k) => !includedKeys.includes(k))
      .map(code)
      .join(', ')} belong to \`lifeline.yaml\` only.`;
  const live = new Set(builder.sections);
  const lines = [...legend(), ...builder.sections.flatMap((s) => renderSection(s, live))];
  return `\n\n${lines.join('\n').trimEnd()}\n\n`;
}

/** The text between the reference markers of a Markdown document, or undefined when the markers are missing. */
export function extractKeyReference(markdown: string): string | undefined {
  const start = markdown.indexOf(REFERENCE_START);
  const end = markdown.indexOf(REFERENCE_END, start);
  if (start < 0 || end < 0) return undefined;
  return markdown.slice(start + REFERENCE_START.length, end);
}

/** The document with the text between the reference markers replaced; throws when the markers are missing. */
export function replaceKeyReference(markdown: string, reference: string): string {
  const start = markdown.indexOf(REFERENCE_START);
  const end = markdown.indexOf(REFERENCE_END, start);
  if (start < 0 || end < 0)
    throw new Error(`the document has no \`${REFERENCE_START}\` … \`${REFERENCE_END}\` markers`);
  return `${markdown.slice(0, start + REFERENCE_START.length)}${reference}${markdown.slice(end)}`;
}
