/**
 * Schema of a workspace file: the root `lifeline.yaml` and the files it includes. Lists from every file are
 * concatenated; `version`, `name` and `defaults` belong to the root file only.
 */
import { Type, type Static, type StaticDecode } from '@sinclair/typebox';
import { ChannelSchema, EscalationPolicySchema, SeveritySchema, TeamSchema } from './response.js';
import { ChangesSchema } from './changes.js';
import { Duration, FailureClassSchema, Id, Ref, Text } from './primitives.js';
import { IntegrationSchema } from './integration.js';
import { CompensationSchema, PlaybookSchema } from './playbook.js';
import { SignalSchema } from './signal.js';
import { AlertsSchema } from './alerts.js';

export const GlossaryTermSchema = Type.Object(
  {
    term: Text('The term.'),
    definition: Text('What it means here.'),
    aliases: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'GlossaryTerm', additionalProperties: false, description: 'A word the team uses, defined.' },
);

export const FailureModeSchema = Type.Object(
  {
    id: Id('Failure mode id.'),
    title: Text('Short name.'),
    integration: Type.Optional(Ref('integration', 'Id of the integration that fails this way.')),
    classes: Type.Array(FailureClassSchema, { minItems: 1, description: 'How it shows in check results.' }),
    symptoms: Type.Optional(Type.Array(Type.String())),
    cause: Type.Optional(Text('Known cause.')),
    remediation: Text('What fixes it.'),
    playbook: Type.Optional(Ref('playbook', 'Id of the playbook that answers it.')),
  },
  {
    $id: 'FailureMode',
    additionalProperties: false,
    description: 'A known way an integration fails, and its remedy.',
  },
);

const Defaults = Type.Object(
  {
    checkInterval: Type.Optional(Duration('Default interval of checks (default 1m).')),
    checkTimeout: Type.Optional(Duration('Default timeout of checks (default 10s).')),
    changeLookback: Type.Optional(Duration('How far back incidents look for changes (default 24h).')),
  },
  { additionalProperties: false },
);

const collections = {
  integrations: Type.Optional(Type.Array(Type.Ref(IntegrationSchema))),
  teams: Type.Optional(Type.Array(Type.Ref(TeamSchema))),
  channels: Type.Optional(Type.Array(Type.Ref(ChannelSchema))),
  severities: Type.Optional(Type.Array(Type.Ref(SeveritySchema))),
  escalationPolicies: Type.Optional(Type.Array(Type.Ref(EscalationPolicySchema))),
  playbooks: Type.Optional(Type.Array(Type.Ref(PlaybookSchema))),
  glossary: Type.Optional(Type.Array(Type.Ref(GlossaryTermSchema))),
  failureModes: Type.Optional(Type.Array(Type.Ref(FailureModeSchema))),
};

const include = Type.Optional(
  Type.Array(Type.String({ minLength: 1 }), {
    description: 'Glob patterns of more workspace files, relative to this file.',
  }),
);

export const RootFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1, { description: 'Format version; always 1.' }),
    name: Text('Workspace name.'),
    include,
    defaults: Type.Optional(Defaults),
    alerts: Type.Optional(AlertsSchema),
    changes: Type.Optional(ChangesSchema),
    ...collections,
  },
  {
    additionalProperties: false,
    title: 'Lifeline workspace',
    description: 'Root file of a Lifeline workspace (lifeline.yaml).',
  },
);

export const IncludedFileSchema = Type.Object(
  { $schema: Type.Optional(Type.String()), include, ...collections },
  { additionalProperties: false, description: 'A file included by lifeline.yaml.' },
);

export type RootFile = StaticDecode<typeof RootFileSchema>;
export type RootFileInput = Static<typeof RootFileSchema>;
export type IncludedFile = StaticDecode<typeof IncludedFileSchema>;
export const COLLECTION_KEYS = Object.keys(collections) as (keyof typeof collections)[];

/** Schemas referenced by `$ref` from the ones above; validators and the JSON Schema writer must know them. */
export const SHARED_SCHEMAS = [
  SignalSchema,
  CompensationSchema,
  IntegrationSchema,
  TeamSchema,
  ChannelSchema,
  SeveritySchema,
  EscalationPolicySchema,
  PlaybookSchema,
  GlossaryTermSchema,
  FailureModeSchema,
];
