import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { compileWorkspaceValidators, type WorkspaceValidators } from './validators.js';
import { standaloneValidatorsSource } from './schema/write-standalone-validators.js';

const example = (file: string): unknown =>
  load(readFileSync(new URL(`../../../../examples/acme/${file}`, import.meta.url), 'utf8'));

const broken = {
  version: 1,
  name: 'x',
  integrations: [
    {
      id: 'a',
      name: 'A',
      ownr: 't',
      baseUrl: 'ftp://x',
      auth: { type: 'bearr', token: 5 },
      endpoints: [{ id: 'e', method: 'GET', path: '/x' }],
      checks: [{ id: 'c', kind: 'http', endpoint: 'e', every: '5 minutes' }],
    },
  ],
};

function errorsOf(validators: WorkspaceValidators, role: 'root' | 'included', data: unknown): string[] {
  const validate = validators[role];
  validate(data);
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath} ${e.schemaPath} ${e.keyword} ${JSON.stringify(e.params)}`)
    .sort();
}

describe('workspace validators', () => {
  const compiled = compileWorkspaceValidators();
  // Inside the package, so the generated code's `require('ajv/…')` resolves as it does in dist/.
  const dir = mkdtempSync(join(fileURLToPath(new URL('../..', import.meta.url)), '.test-validators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'workspace-validators.cjs');
  writeFileSync(file, standaloneValidatorsSource());
  const generated = createRequire(import.meta.url)(file) as WorkspaceValidators;

  it('accepts the example workspace, compiled or generated', () => {
    expect(errorsOf(compiled, 'root', example('lifeline.yaml'))).toEqual([]);
    expect(errorsOf(generated, 'root', example('lifeline.yaml'))).toEqual([]);
    expect(errorsOf(generated, 'included', example('integrations/payments.yaml'))).toEqual([]);
  });

  it('reports the same errors from the generated code as from the compiled schema', () => {
    const fromCompiled = errorsOf(compiled, 'root', broken);
    expect(fromCompiled.length).toBeGreaterThan(3);
    expect(errorsOf(generated, 'root', broken)).toEqual(fromCompiled);
  });

  it('keeps the failing schema on each error, which diagnostics read', () => {
    generated.root(broken);
    const pattern = generated.root.errors?.find(
      (e) => e.keyword === 'pattern' && e.instancePath.endsWith('/every'),
    );
    expect(pattern?.parentSchema).toMatchObject({ 'x-lifeline-kind': 'duration' });
  });
});
