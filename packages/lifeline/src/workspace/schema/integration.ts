/**
 * Schema of an integration: one third-party API the team depends on, with its auth, version, endpoints,
 * reliability targets and checks.
 */
import { Type, type TProperties } from '@sinclair/typebox';
import {
  Duration,
  Id,
  JsonPointer,
  Literals,
  Percentage,
  PercentileSchema,
  Ref,
  Secret,
  Size,
  Text,
  Url,
} from './primitives.js';
import { CheckSchema } from './check.js';

const Rotation = Type.Object(
  {
    every: Duration('How often the credential must be rotated, e.g. `90d`.'),
    lastRotated: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}',
        description: 'Date of the last rotation (YYYY-MM-DD).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Key rotation policy; the credential check compares key age to it.',
  },
);

const authVariant = <K extends string, P extends TProperties>(type: K, props: P, description: string) =>
  Type.Object(
    { type: Type.Literal(type), ...props, rotation: Type.Optional(Rotation) },
    { additionalProperties: false, description },
  );

export const AuthSchema = Type.Union(
  [
    authVariant('none', {}, 'No authentication.'),
    authVariant(
      'api-key',
      {
        in: Literals(['header', 'query'] as const, 'Where the key is sent.'),
        name: Text('Header or query parameter name, e.g. `X-Api-Key`.'),
        key: Secret(),
      },
      'An API key in a header or query parameter.',
    ),
    authVariant('bearer', { token: Secret() }, 'A bearer token in the Authorization header.'),
    authVariant('basic', { username: Text('User name.'), password: Secret() }, 'HTTP Basic authentication.'),
    authVariant(
      'oauth2-client-credentials',
      {
        tokenUrl: Url('The OAuth2 token endpoint.'),
        clientId: Text('OAuth2 client id.'),
        clientSecret: Secret(),
        scopes: Type.Optional(Type.Array(Type.String(), { description: 'Scopes to request.' })),
        audience: Type.Optional(Text('Audience parameter, for providers that need one.')),
        clientAuth: Type.Optional(
          Literals(
            ['basic', 'body'] as const,
            'How the client authenticates at the token endpoint (default basic).',
          ),
        ),
      },
      'OAuth2 client credentials grant (RFC 6749 §4.4).',
    ),
    authVariant(
      'mtls',
      {
        certificate: Secret('Client certificate (PEM), usually `${file:certs/client.pem}`.'),
        key: Secret('Client private key (PEM), e.g. `${file:certs/client.key}`.'),
      },
      'Mutual TLS with a client certificate.',
    ),
  ],
  { discriminator: { propertyName: 'type' }, description: 'How requests to the integration authenticate.' },
);

const ApiVersion = Type.Object(
  {
    value: Text('The version string, e.g. `2024-06-20` or `v2`.'),
    in: Literals(['header', 'path', 'query'] as const, 'How the version is sent.'),
    name: Type.Optional(Text('Header or query parameter name (for `header` and `query`).')),
  },
  { additionalProperties: false, description: 'The API version the team is pinned to and how it is sent.' },
);

const ResponseSchemaRef = Type.Object(
  { schema: Text('Path of a JSON Schema file, relative to the file that declares it.') },
  { additionalProperties: false },
);

const OpenApiRef = Type.Object(
  {
    document: Text('Path of an OpenAPI 3.0/3.1 document (YAML or JSON), relative to the declaring file.'),
    operationId: Text('The operationId of this endpoint in the document.'),
  },
  { additionalProperties: false, description: 'Response schemas taken from an OpenAPI operation.' },
);

export const EndpointSchema = Type.Object(
  {
    id: Id('Endpoint id, unique within its integration.'),
    method: Literals(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const, 'HTTP method.'),
    path: Type.String({
      pattern: '^/',
      description: 'Path template relative to the base URL, e.g. `/v1/charges/{id}`.',
    }),
    description: Type.Optional(Text('What the endpoint is used for.')),
    responses: Type.Optional(
      Type.Record(Type.String({ pattern: '^([1-5][0-9X]{2}|default)$' }), ResponseSchemaRef, {
        description: 'Response schema per status (`200`, `2XX`, `default`).',
      }),
    ),
    openapi: Type.Optional(OpenApiRef),
    safeFields: Type.Optional(
      Type.Array(JsonPointer(), {
        description: 'Pointers whose values may be shown in drift reports (not personal data).',
      }),
    ),
    maxResponseSize: Type.Optional(Size('Largest response body accepted (default 5MB).')),
  },
  { additionalProperties: false, description: 'One operation of the integration.' },
);

const LatencyTarget = Type.Object(
  { percentile: PercentileSchema, below: Duration('Latency the percentile must stay below.') },
  { additionalProperties: false },
);

export const SloSchema = Type.Object(
  {
    window: Type.Optional(Duration('Rolling window the targets are measured over (default 30d).')),
    latency: Type.Optional(Type.Array(LatencyTarget, { description: 'Latency percentile targets.' })),
    errorRate: Type.Optional(
      Type.Object({ below: Percentage('Error rate to stay below.') }, { additionalProperties: false }),
    ),
    availability: Type.Optional(Percentage('Availability target, e.g. `99.9%`.')),
  },
  { additionalProperties: false, description: 'Reliability targets of the integration.' },
);

const Contacts = Type.Object(
  {
    support: Type.Optional(Text('Vendor support address or URL.')),
    statusPage: Type.Optional(Url('Vendor status page.')),
    accountManager: Type.Optional(Text('Vendor account manager.')),
  },
  { additionalProperties: false, description: 'How to reach the vendor.' },
);

const TlsOptions = Type.Object(
  {
    ca: Type.Optional(Text('CA bundle (PEM) to trust for this integration, relative to the declaring file.')),
    servername: Type.Optional(Text('TLS server name (SNI) when it differs from the URL host.')),
  },
  { additionalProperties: false, description: 'TLS settings for requests to the integration.' },
);

export const IntegrationSchema = Type.Object(
  {
    id: Id('Integration id, unique in the workspace.'),
    name: Text('Human name, e.g. `Payments (Stripe)`.'),
    description: Type.Optional(Text('What the integration is for.')),
    vendor: Type.Optional(Text('Vendor name.')),
    owner: Ref('team', 'Id of the team that owns the integration.'),
    baseUrl: Url('Base URL every endpoint path is appended to.'),
    auth: AuthSchema,
    apiVersion: Type.Optional(ApiVersion),
    formats: Type.Optional(
      Type.Array(
        Literals(['json', 'xml', 'csv', 'form', 'multipart', 'protobuf', 'text'] as const, 'Data format.'),
        {
          description: 'Data formats exchanged.',
        },
      ),
    ),
    dependents: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Internal services that depend on this integration (incident impact).',
      }),
    ),
    tls: Type.Optional(TlsOptions),
    contacts: Type.Optional(Contacts),
    tags: Type.Optional(Type.Array(Type.String())),
    endpoints: Type.Array(EndpointSchema, { description: 'The operations the team uses.' }),
    slo: Type.Optional(SloSchema),
    checks: Type.Optional(
      Type.Array(CheckSchema, { description: 'Scheduled verifications of this integration.' }),
    ),
  },
  { $id: 'Integration', additionalProperties: false, description: 'A third-party API the team depends on.' },
);
