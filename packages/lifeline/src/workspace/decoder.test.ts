import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { SchemaDecoder, type SecretUse } from './decoder.js';
import { IntegrationSchema } from './schema/integration.js';
import { PlaybookSchema } from './schema/playbook.js';
import { ChannelSchema, EscalationPolicySchema, SeveritySchema, TeamSchema } from './schema/response.js';
import { SHARED_SCHEMAS } from './schema/workspace-file.js';

const example = (file: string): Record<string, unknown[]> =>
  load(readFileSync(new URL(`../../../../examples/acme/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown[]
  >;

describe('SchemaDecoder', () => {
  const decoder = new SchemaDecoder();
  const cases = [
    ['integrations/payments.yaml', 'integrations', IntegrationSchema],
    ['integrations/identity.yaml', 'integrations', IntegrationSchema],
    ['integrations/payments.yaml', 'playbooks', PlaybookSchema],
    ['integrations/shipping.yaml', 'playbooks', PlaybookSchema],
    ['lifeline.yaml', 'teams', TeamSchema],
    ['lifeline.yaml', 'channels', ChannelSchema],
    ['lifeline.yaml', 'severities', SeveritySchema],
    ['lifeline.yaml', 'escalationPolicies', EscalationPolicySchema],
  ] as const;

  it.each(cases)('decodes %s %s exactly as TypeBox does', (file, key, schema) => {
    for (const item of example(file)[key]!) {
      const ours = decoder.decode(schema, item, [key, 0], []);
      expect(ours).toEqual(Value.Decode(schema, SHARED_SCHEMAS, item));
    }
  });

  it('reports every secret field with its path and never changes its input', () => {
    const payments = example('integrations/payments.yaml').integrations![0]!;
    const before = JSON.stringify(payments);
    const secrets: SecretUse[] = [];
    const decoded = decoder.decode(IntegrationSchema, payments, ['integrations', 0], secrets) as {
      auth: { token: unknown; rotation: { every: number } };
      checks: { every?: number }[];
    };
    expect(secrets).toEqual([
      {
        path: ['integrations', 0, 'auth', 'token'],
        reference: { source: 'file', name: '../sandbox-credentials/payments-key' },
        kind: 'secret',
      },
    ]);
    expect(decoded.auth.token).toEqual({ source: 'file', name: '../sandbox-credentials/payments-key' });
    expect(decoded.auth.rotation.every).toBe(90 * 86_400_000);
    expect(decoded.checks[0]!.every).toBe(15_000);
    expect(JSON.stringify(payments)).toBe(before);
  });
});
