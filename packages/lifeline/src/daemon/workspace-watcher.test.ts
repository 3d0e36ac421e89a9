/**
 * The workspace watcher on a real directory: a burst of saves is one reload request; files that are not part of
 * the workspace (and not YAML) are ignored; nothing is requested after `close`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchWorkspace } from './workspace-watcher.js';

let dir: string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-watch-'));
  await writeFile(join(dir, 'lifeline.yaml'), 'version: 1\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('watchWorkspace', () => {
  it('turns a burst of saves into one request, ignores other files and stops on close', async () => {
    let requests = 0;
    const watcher = watchWorkspace(dir, ['lifeline.yaml'], () => requests++, { debounceMs: 100 });
    await sleep(50);
    await writeFile(join(dir, 'notes.txt'), 'not the workspace');
    await sleep(250);
    expect(requests).toBe(0);

    for (let i = 0; i < 3; i++) await writeFile(join(dir, 'lifeline.yaml'), `version: 1\n# ${i}\n`);
    await sleep(400);
    expect(requests).toBe(1);

    watcher.close();
    await writeFile(join(dir, 'lifeline.yaml'), 'version: 1\n# closed\n');
    await sleep(250);
    expect(requests).toBe(1);
  });
});
