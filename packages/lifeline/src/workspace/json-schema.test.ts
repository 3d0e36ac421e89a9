/**
 * The editor JSON Schemas committed in `schema/` are what `npm run schema` writes today, and they are real: a
 * standard draft-07 validator accepts the example workspaces with them and rejects a broken one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema, workspaceJsonSchemas } from './schema/json-schema.js';
import { VALUE_KIND_KEYWORD } from './schema/primitives.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SCHEMA_DIR = join(REPO, 'schema');
const BROKEN = fileURLToPath(new URL('./fixtures/broken/', import.meta.url));

function validatorFor(name: string): ValidateFunction {
  // Draft-07 (ajv's default); the format's own annotation keyword is declared so ajv's strict mode stays on.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false });
  ajv.addKeyword(VALUE_KIND_KEYWORD);
  ajv.addKeyword('discriminator');
  const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as object;
  return ajv.compile(schema);
}

function yamlOf(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n');
}

describe('committed JSON Schemas', () => {
  const generated = workspaceJsonSchemas();

  it('there is one committed file per generated schema, and no other', () => {
    const committed = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));
    expect(committed.sort()).toEqual(Object.keys(generated).sort());
  });

  it.each(Object.keys(generated))('schema/%s is up to date', (name) => {
    const committed = readFileSync(join(SCHEMA_DIR, name), 'utf8');
    expect(committed, `schema/${name} is out of date; run \`npm run schema\` and commit the result`).toBe(
      renderJsonSchema(generated[name]!),
    );
  });

  it('are draft-07 documents with an $id', () => {
    for (const [name, schema] of Object.entries(generated)) {
      expect(schema).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `https://lifeline.dev/schema/${name}`,
      });
    }
  });
});

describe('the generated schemas with a standard validator', () => {
  const root = validatorFor('lifeline.schema.json');
  const include = validatorFor('lifeline-include.schema.json');

  const workspaces = {
    acme: join(REPO, 'examples/acme'),
    'init template': join(REPO, 'packages/lifeline/templates/init'),
  };

  it.each(Object.entries(workspaces))('accept the %s root file', (_name, dir) => {
    expect(root(yamlOf(join(dir, 'lifeline.yaml'))), errorsOf(root)).toBe(true);
  });

  it.each(Object.entries(workspaces))('accept the %s included files', (_name, dir) => {
    const files = readdirSync(join(dir, 'integrations')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(include(yamlOf(join(dir, 'integrations', file))), `${file}: ${errorsOf(include)}`).toBe(true);
    }
  });

  it('the include schema refuses root-only keys, the root schema requires version and name', () => {
    expect(include({ name: 'x', integrations: [] })).toBe(false);
    expect(include({ version: 1 })).toBe(false);
    expect(root({ integrations: [] })).toBe(false);
    expect(errorsOf(root)).toMatch(/version|name/);
    expect(root({ version: 1, name: 'x' })).toBe(true);
  });

  it.each([
    ['06-unknown-integration-key', 'vendr'],
    ['10-duration-words', 'pattern'],
    ['17-invalid-url', 'pattern'],
    ['34-version-2', 'constant'],
  ])('reject the broken workspace %s', (name, fragment) => {
    const data = yamlOf(join(BROKEN, name, 'lifeline.yaml'));
    expect(root(data)).toBe(false);
    expect(JSON.stringify(root.errors)).toContain(fragment);
  });
});
