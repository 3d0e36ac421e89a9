/**
 * docs/workspace.md stays true: its generated key reference matches the schema, its codes table lists every
 * diagnostic code, and its YAML examples load.
 *
 * Examples: every ```yaml block must parse. A block whose first line is a comment naming a file
 * (`# integrations/payments.yaml`, optionally `(continued)`) is part of the page's example workspace: the blocks
 * of one file are merged (mappings key by key, list items with the same `id` into one), written to a temporary
 * directory next to a copy of examples/acme/schemas, and loaded from the `lifeline.yaml` block; it must load
 * without errors (warnings, such as unresolved secrets, are fine) and read every named file. A block with no file
 * name that starts with `version: 1` must load on its own. Counter-examples belong in ```text blocks.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadWorkspace } from '../load-workspace.js';
import type { Diagnostic } from '../diagnostics.js';
import { extractKeyReference, generateKeyReference, replaceKeyReference } from './markdown-reference.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../../../${path}`, import.meta.url));
const doc = await readFile(repo('docs/workspace.md'), 'utf8');

const temporaryDirs: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-docs-'));
  temporaryDirs.push(dir);
  return dir;
}

describe('key reference', () => {
  it('is generated deterministically', () => {
    expect(generateKeyReference()).toBe(generateKeyReference());
  });

  it('is up to date in docs/workspace.md', () => {
    const committed = extractKeyReference(doc);
    expect(committed, 'docs/workspace.md lacks the reference markers').toBeDefined();
    expect(committed, 'the key reference in docs/workspace.md is stale: run `npm run schema`').toBe(
      generateKeyReference(),
    );
  });

  it('links only to sections it has', () => {
    const reference = generateKeyReference();
    const anchors = new Set([...reference.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    const links = [...reference.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it('has a section for each thing of the format', () => {
    const headings = [...generateKeyReference().matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    for (const heading of [
      'Workspace root',
      'Integration',
      'Auth: `oauth2-client-credentials`',
      'Endpoint',
      'SLO',
      'Check: `credential`',
      'Team',
      'Member',
      'Channel: `pagerduty`',
      'Severity',
      'Escalation policy',
      'Escalation level',
      'Escalation target',
      'Playbook',
      'Signal: `burn-rate`',
      'Step: `set-client-mode`',
      'Compensation',
      'Glossary term',
      'Failure mode',
    ])
      expect(headings).toContain(heading);
  });

  it('replaces only the text between the markers', () => {
    const text = 'before\n<!-- reference:start -->\nold\n<!-- reference:end -->\nafter\n';
    expect(replaceKeyReference(text, '\nnew\n')).toBe(
      'before\n<!-- reference:start -->\nnew\n<!-- reference:end -->\nafter\n',
    );
    expect(() => replaceKeyReference('no markers', 'x')).toThrow(/markers/);
  });
});

/** The anchors of a Markdown page: explicit `<a id>`s and GitHub's heading slugs (duplicates get `-1`, `-2`, …). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set([...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!));
  const seen = new Map<string, number>();
  const text = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

describe('links', () => {
  it('in docs/workspace.md and docs/cli.md lead to anchors that exist', async () => {
    const pages: Record<string, string> = {
      'workspace.md': doc,
      'cli.md': await readFile(repo('docs/cli.md'), 'utf8'),
    };
    const broken: string[] = [];
    for (const [page, text] of Object.entries(pages)) {
      for (const [, target, anchor] of text.matchAll(/\]\(((?:workspace|cli)\.md)?#([^)]+)\)/g)) {
        if (!anchorsOf(pages[target ?? page]!).has(anchor!))
          broken.push(`${page}: ${target ?? ''}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('diagnostic codes table', () => {
  it('documents every DiagnosticCode, and nothing else', async () => {
    const source = await readFile(repo('packages/lifeline/src/workspace/diagnostics.ts'), 'utf8');
    const union = /export type DiagnosticCode =([^;]+);/.exec(source)?.[1];
    expect(union, 'DiagnosticCode union not found in diagnostics.ts').toBeDefined();
    const codes = [...union!.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(20);

    const section = /^## Diagnostic codes$([\s\S]*?)^## /m.exec(doc)?.[1] ?? '';
    const documented = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
    expect(codes.filter((c) => !documented.includes(c))).toEqual([]);
    expect(documented.filter((c) => !codes.includes(c))).toEqual([]);
  });
});

interface YamlBlock {
  line: number;
  text: string;
  /** The file the block belongs to, from its first-line comment. */
  file?: string;
}

function yamlBlocks(markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue;
    const end = lines.indexOf('```', i + 1);
    const text = lines.slice(i + 1, end).join('\n');
    const file = /^# ([\w./-]+\.ya?ml)\b/.exec(text)?.[1];
    blocks.push({ line: i + 1, text, ...(file ? { file } : {}) });
    i = end;
  }
  return blocks;
}

type Data = null | boolean | number | string | Data[] | { [key: string]: Data };

function isMapping(value: Data | undefined): value is { [key: string]: Data } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Mappings merge key by key; in lists, an item with the `id` of an earlier item merges into it. */
function merge(into: Data | undefined, from: Data): Data {
  if (isMapping(into) && isMapping(from)) {
    const out = { ...into };
    for (const [key, value] of Object.entries(from)) out[key] = merge(out[key], value);
    return out;
  }
  if (Array.isArray(into) && Array.isArray(from)) {
    const out = [...into];
    for (const item of from) {
      const index = isMapping(item) ? out.findIndex((o) => isMapping(o) && o.id === item.id) : -1;
      if (index >= 0) out[index] = merge(out[index], item);
      else out.push(item);
    }
    return out;
  }
  return from;
}

function errorsOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);
}

describe('YAML examples in docs/workspace.md', () => {
  const blocks = yamlBlocks(doc);

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('block at line %i parses', (_line, block) => {
    const parsed = parseDocument(block.text, { uniqueKeys: true });
    expect(parsed.errors.map((e) => e.message)).toEqual([]);
  });

  it('the named files form a workspace that loads without errors', async () => {
    const files = new Map<string, Data>();
    for (const block of blocks.filter((b) => b.file))
      files.set(block.file!, merge(files.get(block.file!), parseDocument(block.text).toJS() as Data));
    expect([...files.keys()]).toContain('lifeline.yaml');

    const dir = await temporaryDir();
    await cp(repo('examples/acme/schemas'), join(dir, 'schemas'), { recursive: true });
    for (const [name, data] of files) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), stringify(data));
    }
    const result = await loadWorkspace(dir, { env: {} });
    expect(errorsOf(result.diagnostics)).toEqual([]);
    expect([...(result.workspace?.files ?? [])].sort()).toEqual([...files.keys()].sort());
  });

  it('each unnamed complete workspace file loads on its own', async () => {
    const complete = blocks.filter((b) => !b.file && /^(#.*\n)*version: 1(\n|$)/.test(b.text));
    for (const block of complete) {
      const dir = await temporaryDir();
      await writeFile(join(dir, 'lifeline.yaml'), block.text);
      const result = await loadWorkspace(dir, { env: {} });
      expect(errorsOf(result.diagnostics), `block at line ${block.line}`).toEqual([]);
    }
  });
});
