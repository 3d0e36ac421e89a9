/**
 * `npm run bench -- NAME [args]`: runs one benchmark from bench/NAME.ts. Each prints its figures and a ratio
 * against a baseline measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('support'))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const bench = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as {
  main: (args: string[]) => Promise<void>;
};
await bench.main(process.argv.slice(3));
