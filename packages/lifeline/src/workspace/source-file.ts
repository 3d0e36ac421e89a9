/**
 * Reads one workspace file: size and encoding checks, YAML parsing with duplicate-key detection, and the map from
 * a data path (`integrations/0/auth`) back to `file:line:col`, which every later diagnostic needs.
 */
import { readFile, stat } from 'node:fs/promises';
import { load as loadYaml, CORE_SCHEMA } from 'js-yaml';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node, Pair } from 'yaml';
import type { DiagnosticList, SourcePosition } from './diagnostics.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

// The position-tracking parser is loaded on first use: a valid workspace never needs it, and it is a sizeable
// part of the CLI's start-up time.
type YamlModule = typeof Yaml;
let yamlModule: YamlModule | undefined;
function yaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}
const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s,[\]{}]+/m;

export type DataPath = readonly (string | number)[];

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the workspace directory, as shown in diagnostics. */
  name: string;
  text: string;
  data: unknown;
  /** The position-tracking parse, made only when a diagnostic needs a position (see `positionOf`). */
  syntax?: { doc: Document.Parsed; lineCounter: LineCounter };
}

/**
 * Reads and parses one file. Clean files take the fast path (js-yaml, several times faster on large workspaces);
 * a file js-yaml rejects is parsed again with `yaml`, which reports every syntax error and duplicate key with its
 * position. Positions of valid files are computed lazily, only when a diagnostic needs one.
 */
export async function readSourceFile(
  path: string,
  name: string,
  diagnostics: DiagnosticList,
): Promise<SourceFile | undefined> {
  const at = { file: name, line: 0, col: 0 };
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      diagnostics.error('file-unreadable', at, `\`${name}\` is not a file`);
      return undefined;
    }
    if (info.size > MAX_FILE_BYTES) {
      diagnostics.error(
        'file-too-large',
        at,
        `\`${name}\` is ${(info.size / 1048576).toFixed(1)} MB; workspace files are limited to 10 MB`,
        {
          hint: 'split it into several files and list them under `include:`',
        },
      );
      return undefined;
    }
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') diagnostics.error('file-missing', at, `\`${name}\` does not exist`);
    else diagnostics.error('file-unreadable', at, `cannot read \`${name}\`: ${code ?? String(error)}`);
    return undefined;
  }
  const text = decodeUtf8(bytes, name, diagnostics);
  if (text === undefined) return undefined;

  let data: unknown;
  let syntax: SourceFile['syntax'];
  try {
    // Anchors and aliases take the careful path, which limits alias expansion (a "billion laughs" file).
    if (ANCHOR_OR_ALIAS.test(text)) throw new Error('anchors');
    data = loadYaml(text, { schema: CORE_SCHEMA, json: false, filename: name });
  } catch {
    syntax = parseWithPositions(text);
    if (!reportSyntax(syntax, name, diagnostics, text)) return undefined;
    try {
      data = syntax.doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      diagnostics.error('yaml-syntax', { file: name, line: 1, col: 1 }, firstLine((error as Error).message));
      return undefined;
    }
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    syntax ??= parseWithPositions(text);
    const [line, col] = linePos(syntax.lineCounter, syntax.doc.contents?.range?.[0] ?? 0);
    diagnostics.error(
      'not-a-mapping',
      { file: name, line, col },
      `\`${name}\` must be a mapping of keys, not ${Array.isArray(data) ? 'a list' : 'a single value'}`,
      {
        hint: 'start with keys such as `integrations:`, `teams:` or `playbooks:` (and `version:`, `name:` in lifeline.yaml)',
      },
    );
    return undefined;
  }
  return { path, name, text, data, ...(syntax ? { syntax } : {}) };
}

function parseWithPositions(text: string): NonNullable<SourceFile['syntax']> {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  return { doc, lineCounter };
}

/** Reports syntax errors and warnings; true when the document is usable. */
function reportSyntax(
  { doc, lineCounter }: NonNullable<SourceFile['syntax']>,
  name: string,
  diagnostics: DiagnosticList,
  text: string,
): boolean {
  // After the first real syntax error the parser's further complaints are mostly echoes of it (a mis-indented
  // key also shows up as a duplicate or a nested mapping); report that one precisely, and duplicate keys before it.
  const errors = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const firstSyntax = errors.find((e) => e.code !== 'DUPLICATE_KEY');
  for (const error of errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    if (firstSyntax && error !== firstSyntax && (!duplicate || error.pos[0] >= firstSyntax.pos[0])) continue;
    const offset = duplicate ? error.pos[0] : syntaxErrorOffset(text, error.pos[0], error.message);
    const [line, col] = linePos(lineCounter, offset);
    diagnostics.error(
      duplicate ? 'duplicate-key' : 'yaml-syntax',
      { file: name, line, col },
      firstLine(error.message),
      {
        hint: duplicate
          ? 'each key may appear once in a mapping; remove or rename one'
          : yamlHint(error.code, error.message),
      },
    );
  }
  for (const warning of doc.warnings) {
    const [line, col] = linePos(lineCounter, warning.pos[0]);
    diagnostics.warning('yaml-warning', { file: name, line, col }, firstLine(warning.message));
  }
  return doc.errors.length === 0;
}

function decodeUtf8(bytes: Buffer, name: string, diagnostics: DiagnosticList): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    const before = bytes.subarray(0, offset).toString('latin1');
    const line = before.split('\n').length;
    const col = offset - before.lastIndexOf('\n');
    diagnostics.error(
      'invalid-utf8',
      { file: name, line, col },
      `\`${name}\` is not valid UTF-8 (byte 0x${bytes[offset]?.toString(16)} at offset ${offset})`,
      {
        hint: 'save the file as UTF-8',
      },
    );
    return undefined;
  }
}

function firstInvalidUtf8Offset(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  // Binary search for the shortest invalid prefix; a cut in the middle of a valid sequence also fails, so step back.
  while (low < high) {
    const mid = (low + high) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1));
      low = mid + 1;
    } catch {
      high = mid;
    }
  }
  let offset = low;
  while (offset > 0 && (bytes[offset]! & 0xc0) === 0x80) offset--;
  return Math.min(offset, bytes.length - 1);
}

function linePos(lineCounter: LineCounter, offset: number): [number, number] {
  const pos = lineCounter.linePos(offset);
  return [pos.line, pos.col];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Where a person should look: the first character of the line rather than its indentation, and for an unclosed
 * `[` or `{` the bracket itself rather than where the parser gave up.
 */
function syntaxErrorOffset(text: string, offset: number, message: string): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd);
  const closer = /end with a ([\]}])/.exec(message)?.[1];
  if (closer) {
    const opener = closer === ']' ? '[' : '{';
    const open: number[] = [];
    for (let i = 0; i < line.length; i++) {
      if (line[i] === opener) open.push(i);
      else if (line[i] === closer) open.pop();
    }
    if (open.length) return lineStart + open[open.length - 1]!;
  }
  const indent = /^ */.exec(line)![0].length;
  return offset - lineStart < indent ? lineStart + indent : offset;
}

function yamlHint(code: string, message = ''): string | undefined {
  if (/end with a \]/.test(message)) return 'this `[` is not closed: end the list with `]` on the same line';
  if (/end with a \}/.test(message))
    return 'this `{` is not closed: end the mapping with `}` on the same line';
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: nested keys use spaces, the same number at each level';
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line; is a `:` or a quote missing on the line above?';
    default:
      return undefined;
  }
}

/** The node at a data path, and the pair whose value it is (for pointing at a key). */
function nodeAt(doc: Document.Parsed, path: DataPath): { node?: Node; pair?: Pair; parent?: Node } {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  let parent: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const found = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!found) return { parent: node };
      parent = node;
      pair = found as Pair;
      node = found.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return { parent: node };
      parent = node;
      pair = undefined;
      node = item;
    } else {
      return parent ? { parent } : {};
    }
  }
  return { node: node as Node, ...(pair ? { pair } : {}), ...(parent ? { parent } : {}) };
}

/**
 * Position of the value at `path`; with `key: true`, of its key (for unknown or duplicate keys). Falls back to
 * the nearest existing ancestor, so a missing key points at the mapping that lacks it.
 */
export function positionOf(
  file: SourceFile,
  path: DataPath,
  options: { key?: boolean } = {},
): SourcePosition {
  const syntax = (file.syntax ??= parseWithPositions(file.text));
  const { node, pair, parent } = nodeAt(syntax.doc, path);
  const target = options.key && pair && yaml().isScalar(pair.key) ? pair.key : (node ?? parent);
  const offset = target?.range?.[0] ?? 0;
  const pos = syntax.lineCounter.linePos(offset);
  return { file: file.name, line: pos.line, col: pos.col };
}
