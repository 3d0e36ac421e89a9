#!/usr/bin/env node
// Entry point of the `lifeline` command; the compiled CLI lives in dist/ (built by `npm install` / `npm start`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error(
    'lifeline: the CLI is not built yet. Run `npm install` (or `npm run build`) at the repository root.',
  );
  process.exit(2);
}
// A closed pipe (`lifeline catalog | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);
