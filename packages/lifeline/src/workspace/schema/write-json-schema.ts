/**
 * `npm run schema`: writes the editor JSON Schemas into `schema/` at the repository root, and the generated key
 * reference into docs/workspace.md (between its reference markers). Tests fail when the committed files differ
 * from what this would write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema, workspaceJsonSchemas } from './json-schema.js';
import { generateKeyReference, replaceKeyReference } from './markdown-reference.js';

export const SCHEMA_DIR = fileURLToPath(new URL('../../../../../schema/', import.meta.url));
export const WORKSPACE_DOC = fileURLToPath(new URL('../../../../../docs/workspace.md', import.meta.url));

for (const [name, schema] of Object.entries(workspaceJsonSchemas())) {
  await writeFile(`${SCHEMA_DIR}${name}`, renderJsonSchema(schema));
  console.log(`wrote schema/${name}`);
}

const doc = await readFile(WORKSPACE_DOC, 'utf8');
const updated = replaceKeyReference(doc, generateKeyReference());
if (updated !== doc) {
  await writeFile(WORKSPACE_DOC, updated);
  console.log('wrote the key reference in docs/workspace.md');
} else {
  console.log('docs/workspace.md key reference is up to date');
}
