/**
 * Notices edits to the workspace files and asks for a reload, debounced (an editor's save is often several
 * events, a `git checkout` dozens). Directories are watched rather than files: editors save by writing a new
 * file and renaming it over the old one, which silently ends a watch on the old file.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export const DEFAULT_RELOAD_DEBOUNCE_MS = 300;

export interface WorkspaceWatcher {
  /** Watches the directories of these files (relative to the workspace) from now on. */
  update(files: readonly string[]): void;
  close(): void;
}

export function watchWorkspace(
  dir: string,
  files: readonly string[],
  onChange: () => void,
  options: { debounceMs?: number; onError?: (error: unknown) => void } = {},
): WorkspaceWatcher {
  const watchers = new Map<string, FSWatcher>();
  let names = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const changed = (filename: string | null) => {
    // A new YAML file may be matched by an include glob, so any YAML counts, not only the files loaded.
    if (closed || (filename !== null && !names.has(filename) && !/\.ya?ml$/i.test(filename))) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, options.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS);
  };

  const update = (next: readonly string[]) => {
    const absolute = next.map((file) => resolve(dir, file));
    names = new Set(absolute.map((file) => basename(file)));
    const dirs = new Set(absolute.map((file) => dirname(file)));
    for (const [watched, watcher] of watchers) {
      if (dirs.has(watched)) continue;
      watcher.close();
      watchers.delete(watched);
    }
    for (const directory of dirs) {
      if (watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, { persistent: false }, (_event, filename) => changed(filename));
        watcher.on('error', (error) => options.onError?.(error));
        watchers.set(directory, watcher);
      } catch (error) {
        options.onError?.(error);
      }
    }
  };

  update(files);
  return {
    update,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
