/**
 * Schema of the people side: teams, notification channels, severities with response targets and escalation
 * policies.
 */
import { Type, type TProperties } from '@sinclair/typebox';
import { Duration, Id, Literals, Ref, Secret, Text, Url } from './primitives.js';

const Member = Type.Object(
  {
    id: Id('Person id, unique in the workspace.'),
    name: Text('Full name.'),
    email: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', description: 'Email address.' })),
    phone: Type.Optional(Text('Phone number for paging.')),
    roles: Type.Optional(
      Type.Array(Id('Role name.'), { description: 'Roles, e.g. `lead`, `on-call`, `engineer`.' }),
    ),
  },
  { additionalProperties: false },
);

export const TeamSchema = Type.Object(
  {
    id: Id('Team id, unique in the workspace.'),
    name: Text('Team name.'),
    members: Type.Array(Member, { description: 'People in the team.' }),
    channels: Type.Optional(
      Type.Array(Ref('channel'), { description: 'Ids of the channels where the team is reached.' }),
    ),
    escalation: Type.Optional(Ref('escalation policy', 'Id of the policy for incidents the team owns.')),
  },
  {
    $id: 'Team',
    additionalProperties: false,
    description: 'A team that owns integrations or responds to incidents.',
  },
);

const channelCommon = {
  id: Id('Channel id, unique in the workspace.'),
  name: Type.Optional(Text('Human name.')),
  fallback: Type.Optional(Ref('channel', 'Id of the channel used when deliveries to this one keep failing.')),
  ratePerMinute: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Most messages sent per minute, spread evenly; others wait their turn.',
    }),
  ),
  concurrency: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Most deliveries to this channel in flight at once (default 4).',
    }),
  ),
  timeout: Type.Optional(Duration('Longest one delivery may take before it is retried (default `10s`).')),
};

const channel = <K extends string, P extends TProperties>(kind: K, props: P, description: string) =>
  Type.Object(
    { kind: Type.Literal(kind), ...channelCommon, ...props },
    { additionalProperties: false, description },
  );

export const ChannelSchema = Type.Union(
  [
    channel(
      'webhook',
      { url: Url('Receiver URL.'), secret: Type.Optional(Secret('HMAC-SHA256 signing secret.')) },
      'A JSON webhook, signed with HMAC-SHA256.',
    ),
    channel(
      'slack',
      { webhookUrl: Secret('Slack incoming-webhook URL (a secret).') },
      'Slack incoming webhook.',
    ),
    channel(
      'teams',
      { webhookUrl: Secret('Teams workflow webhook URL (a secret).') },
      'Microsoft Teams workflow webhook.',
    ),
    channel(
      'pagerduty',
      {
        routingKey: Secret('Events API v2 routing key.'),
        url: Type.Optional(Url('Events API base URL (default `https://events.pagerduty.com`).')),
        severities: Type.Optional(
          Type.Record(
            Type.String(),
            Literals(['critical', 'error', 'warning', 'info'] as const, 'PagerDuty severity.'),
            {
              description:
                'Severity id → PagerDuty severity (default: `SEV1` critical, `SEV2` error, `SEV3` warning, others info).',
            },
          ),
        ),
      },
      'PagerDuty Events API v2.',
    ),
    channel(
      'email',
      {
        smtp: Type.Object(
          {
            host: Text('SMTP host.'),
            port: Type.Integer({ minimum: 1, maximum: 65535 }),
            secure: Type.Optional(Type.Boolean({ description: 'TLS from the start (port 465).' })),
            username: Type.Optional(Text('SMTP user.')),
            password: Type.Optional(Secret()),
          },
          { additionalProperties: false },
        ),
        from: Text('Sender address.'),
        to: Type.Array(Type.String(), { minItems: 1, description: 'Recipients.' }),
        subjectPrefix: Type.Optional(Text('Put before every subject, e.g. `[lifeline]`.')),
      },
      'Email over SMTP.',
    ),
    channel(
      'jira',
      {
        baseUrl: Url('Jira site URL.'),
        project: Text('Project key.'),
        issueType: Type.Optional(Text('Issue type (default `Incident`).')),
        username: Type.Optional(Text('Account email for basic auth.')),
        token: Secret('API token.'),
        priorities: Type.Optional(
          Type.Record(Type.String(), Type.String(), { description: 'Severity id → Jira priority.' }),
        ),
        resolveTransition: Type.Optional(
          Text('Name of the workflow transition applied when the incident is resolved (default `Done`).'),
        ),
      },
      'Jira issues.',
    ),
    channel(
      'github',
      {
        repository: Type.String({ pattern: '^[^/\\s]+/[^/\\s]+$', description: '`owner/name`.' }),
        token: Secret('Token with issues:write.'),
        apiUrl: Type.Optional(Url('API base URL (GitHub Enterprise).')),
      },
      'GitHub issues.',
    ),
  ],
  { $id: 'Channel', discriminator: { propertyName: 'kind' }, description: 'Where notifications go.' },
);

export const ResponseTargetsSchema = Type.Object(
  {
    acknowledge: Type.Optional(Duration('A responder must acknowledge within this.')),
    firstAction: Type.Optional(Duration('The first remediation step must start within this.')),
    resolve: Type.Optional(Duration('The incident must be resolved within this.')),
  },
  { additionalProperties: false, description: 'Time-bound response targets.' },
);

export const SeveritySchema = Type.Object(
  {
    id: Id('Severity id, e.g. `SEV1`.'),
    name: Text('Human name.'),
    description: Type.Optional(Text('When to use it.')),
    respond: Type.Optional(ResponseTargetsSchema),
    escalateTo: Type.Optional(
      Ref('severity', 'Id of the severity an incident is raised to when a response target is breached.'),
    ),
  },
  { $id: 'Severity', additionalProperties: false, description: 'A severity level and its response targets.' },
);

const Target = Type.Object(
  {
    team: Type.Optional(Ref('team', 'Id of a team: its members (or those with `role`) are notified.')),
    person: Type.Optional(Ref('person', 'Id of a person (a team member).')),
    channel: Type.Optional(Ref('channel', 'Id of a channel.')),
    role: Type.Optional(Id('Only members of the team with this role.')),
  },
  { additionalProperties: false, description: 'Exactly one of `team`, `person` or `channel`.' },
);

const Level = Type.Object(
  {
    after: Duration('Delay after the incident opened (or the previous repeat) before this level fires.'),
    unless: Type.Optional(
      Literals(
        ['acknowledged', 'mitigated', 'resolved'] as const,
        'Skip when the incident is in this state.',
      ),
    ),
    notify: Type.Array(Target, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const EscalationPolicySchema = Type.Object(
  {
    id: Id('Policy id.'),
    name: Type.Optional(Text('Human name.')),
    levels: Type.Array(Level, { minItems: 1 }),
    repeat: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10, description: 'Times to run the levels again.' }),
    ),
    fallbackChannel: Type.Optional(
      Ref('channel', 'Id of the channel used when a delivery is dead-lettered.'),
    ),
  },
  {
    $id: 'EscalationPolicy',
    additionalProperties: false,
    description: 'Who is notified, when, until someone responds.',
  },
);
