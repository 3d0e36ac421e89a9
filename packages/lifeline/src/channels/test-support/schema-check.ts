/**
 * Test-only: validates what a receiver got against a vendor's published format, encoded as JSON Schema, and
 * says what is wrong in one line per problem.
 */
import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `module.exports = plugin` and `plugin.default = plugin` (see checks/schema/compile.ts).
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv as unknown as Parameters<typeof addFormats>[0]);

export function schemaCheck(schema: AnySchema, what: string): (value: unknown) => string[] {
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${what}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
