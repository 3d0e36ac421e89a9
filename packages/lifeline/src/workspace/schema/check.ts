/**
 * Schema of a check: a scheduled verification of an integration (`http`, `tls`, `credential`, `schema`).
 */
import { Type, type TProperties } from '@sinclair/typebox';
import { Duration, Id, JsonPointer, Ref, Text } from './primitives.js';

const Retry = Type.Object(
  {
    attempts: Type.Integer({
      minimum: 0,
      maximum: 10,
      description: 'Extra attempts after a retriable failure.',
    }),
    backoff: Type.Optional(Duration('Wait before the first retry; doubles each time (default 1s).')),
  },
  {
    additionalProperties: false,
    description: 'Retries for timeouts and 5xx; credential failures are never retried.',
  },
);

const RequestOverrides = Type.Object(
  {
    pathParams: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Values for `{name}` in the path.' }),
    ),
    query: Type.Optional(Type.Record(Type.String(), Type.String())),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.Unknown({ description: 'JSON request body.' })),
  },
  { additionalProperties: false, description: 'What to send, beyond what the endpoint declaration implies.' },
);

const BodyAssertion = Type.Object(
  {
    pointer: JsonPointer(),
    equals: Type.Optional(Type.Unknown({ description: 'Expected value.' })),
    exists: Type.Optional(Type.Boolean()),
    matches: Type.Optional(Text('Regular expression the string value must match.')),
  },
  { additionalProperties: false },
);

const Expect = Type.Object(
  {
    status: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        description: 'Accepted statuses (default 2xx).',
      }),
    ),
    maxLatency: Type.Optional(Duration('Slower than this fails the check.')),
    degradedLatency: Type.Optional(Duration('Slower than this marks the result `slow`.')),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Header values expected.' }),
    ),
    body: Type.Optional(Type.Array(BodyAssertion, { description: 'Assertions on the JSON body.' })),
  },
  { additionalProperties: false, description: 'What a passing response looks like.' },
);

const common = {
  id: Id('Check id, unique in the workspace.'),
  name: Type.Optional(Text('Human name.')),
  every: Type.Optional(Duration('Interval between runs (default from `defaults.checkInterval`, else 1m).')),
  timeout: Type.Optional(Duration('Per-run timeout (default from `defaults.checkTimeout`, else 10s).')),
  retries: Type.Optional(Retry),
  enabled: Type.Optional(
    Type.Boolean({ description: 'Set false to keep a check declared but not scheduled.' }),
  ),
};

const variant = <K extends string, P extends TProperties>(kind: K, props: P, description: string) =>
  Type.Object(
    { kind: Type.Literal(kind), ...common, ...props },
    { additionalProperties: false, description },
  );

export const CheckSchema = Type.Union(
  [
    variant(
      'http',
      {
        endpoint: Ref('endpoint', 'Id of the endpoint to call, declared in this integration.'),
        request: Type.Optional(RequestOverrides),
        expect: Type.Optional(Expect),
      },
      'Availability, status, latency and body assertions of one endpoint.',
    ),
    variant(
      'tls',
      {
        host: Type.Optional(Text('Host to inspect (default: the base URL host).')),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
        minDaysLeft: Type.Optional(
          Type.Integer({ minimum: 0, description: 'Fail when fewer days are left (default 14).' }),
        ),
      },
      'Certificate validity, chain, hostname and days left (and the client certificate for mTLS).',
    ),
    variant(
      'credential',
      {
        endpoint: Type.Optional(
          Ref(
            'endpoint',
            'Id of a cheap authenticated read of this integration; omit for OAuth2 (the token endpoint is checked).',
          ),
        ),
      },
      'The credential works (401/403 is a credential failure) and its age is within the rotation policy.',
    ),
    variant(
      'schema',
      {
        endpoint: Ref('endpoint', 'Id of an endpoint of this integration that declares a response schema.'),
        request: Type.Optional(RequestOverrides),
        strict: Type.Optional(Type.Boolean({ description: 'Report added and removed optional fields too.' })),
      },
      'The response conforms to the endpoint schema; mismatches become a drift report.',
    ),
  ],
  { discriminator: { propertyName: 'kind' }, description: 'A scheduled verification.' },
);
