/**
 * Schema of a playbook: the scenario it answers (trigger), the incident it opens, the steps it runs, and when it
 * is done (success) or must undo its work (rollback).
 */
import { Type, type StaticDecode, type TProperties } from '@sinclair/typebox';
import { CriteriaSchema, SignalRef } from './signal.js';
import { Duration, FailureClassSchema, Id, Literals, Ref, SecretOrText, Text, Url } from './primitives.js';

const Approvers = Type.Object(
  {
    team: Ref('team', 'Id of the team whose members may act.'),
    role: Type.Optional(Id('Only members with this role may act.')),
  },
  { additionalProperties: false },
);

/** Action payloads, shared by steps and by compensations. */
const RunCheck = { check: Ref('check', 'Id of the check to run now.') };
const Http = {
  method: Literals(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const, 'HTTP method.'),
  url: Url('Request URL.'),
  headers: Type.Optional(Type.Record(Type.String(), SecretOrText('Header value; secrets by reference.'))),
  body: Type.Optional(Type.Unknown({ description: 'JSON body.' })),
  expectStatus: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }))),
};
const Command = {
  argv: Type.Array(Type.String(), {
    minItems: 1,
    description: 'Program and arguments; never a shell string.',
  }),
  env: Type.Optional(Type.Record(Type.String(), SecretOrText('Value; secrets by reference.'))),
  cwd: Type.Optional(Text('Working directory, relative to the workspace.')),
};
const SetClientMode = {
  integration: Type.Optional(
    Ref('integration', 'Id of the integration whose clients switch (default: the playbook’s).'),
  ),
  mode: Literals(['normal', 'throttled', 'degraded', 'cached'] as const, 'Mode the SDK switches clients to.'),
  rate: Type.Optional(
    Type.String({ pattern: '^[0-9]+/(s|m|h)$', description: 'For `throttled`: e.g. `10/s`.' }),
  ),
  ttl: Type.Optional(Duration('Revert to normal automatically after this.')),
};
const Notify = {
  channels: Type.Optional(Type.Array(Ref('channel'), { description: 'Channels to send to.' })),
  teams: Type.Optional(Type.Array(Ref('team'), { description: 'Teams to notify through their channels.' })),
  message: Type.Optional(Text('Message template.')),
};
const Ticket = {
  channel: Ref('channel', 'Id of a `jira` or `github` channel.'),
  title: Type.Optional(Text('Title template.')),
};
const Wait = { until: SignalRef, timeout: Duration('Give up after this.') };
const Manual = { instructions: Text('What the responder must do.'), assignee: Type.Optional(Approvers) };
const Approval = { approvers: Approvers, prompt: Type.Optional(Text('What is being approved.')) };
const Rollback = {
  steps: Type.Optional(
    Type.Array(Ref('step', 'Id of an earlier step of this playbook.'), {
      description: 'Steps to undo (default: every step done so far).',
    }),
  ),
};

const DESCRIPTIONS = {
  'run-check': 'Run a check now and use its result.',
  http: 'An HTTP request, e.g. to a feature-flag or deploy API.',
  command: 'Run a program (no shell).',
  'set-client-mode': 'Switch application clients of the integration to another mode.',
  notify: 'Send a message.',
  ticket: 'Open a ticket.',
  wait: 'Wait until a signal holds.',
  manual: 'A checklist item a human marks done.',
  approval: 'Pause until someone allowed approves.',
  rollback: 'Run the compensations of earlier steps, newest first.',
} as const;

type ActionKind = keyof typeof DESCRIPTIONS;

export const ACTION_KINDS = Object.keys(DESCRIPTIONS) as ActionKind[];

const StepCondition = Type.Object(
  {
    step: Type.Optional(Ref('step', 'Id of an earlier step of this playbook.')),
    outcome: Type.Optional(Literals(['succeeded', 'failed', 'skipped'] as const, 'Outcome of that step.')),
    holds: Type.Optional(SignalRef),
  },
  {
    additionalProperties: false,
    description: 'Run the step only if an earlier step had an outcome, or a signal holds.',
  },
);

const compensation = <K extends ActionKind, P extends TProperties>(action: K, props: P) =>
  Type.Object(
    { action: Type.Literal(action), ...props },
    { additionalProperties: false, description: DESCRIPTIONS[action] },
  );

export const CompensationSchema = Type.Union(
  [
    compensation('run-check', RunCheck),
    compensation('http', Http),
    compensation('command', Command),
    compensation('set-client-mode', SetClientMode),
    compensation('notify', Notify),
    compensation('ticket', Ticket),
    compensation('wait', Wait),
    compensation('manual', Manual),
    compensation('approval', Approval),
    compensation('rollback', Rollback),
  ],
  { $id: 'Compensation', discriminator: { propertyName: 'action' }, description: 'How to undo the step.' },
);

const stepCommon = {
  id: Id('Step id, unique within the playbook.'),
  name: Type.Optional(Text('Human name.')),
  if: Type.Optional(StepCondition),
  timeout: Type.Optional(Duration('Give up on the step after this.')),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  onFailure: Type.Optional(
    Literals(['abort', 'continue'] as const, 'What a failed step does to the run (default abort).'),
  ),
  compensate: Type.Optional(
    Type.Unsafe<StaticDecode<typeof CompensationSchema>>(Type.Ref(CompensationSchema)),
  ),
  guard: Type.Optional(
    Type.Object(
      { when: SignalRef, within: Duration('How long after the step to watch.') },
      {
        additionalProperties: false,
        description: 'If this signal holds after the step, the step made things worse: compensate.',
      },
    ),
  ),
};

const step = <K extends ActionKind, P extends TProperties>(action: K, props: P) =>
  Type.Object(
    { ...stepCommon, action: Type.Literal(action), ...props },
    { additionalProperties: false, description: DESCRIPTIONS[action] },
  );

export const StepSchema = Type.Union(
  [
    step('run-check', RunCheck),
    step('http', Http),
    step('command', Command),
    step('set-client-mode', SetClientMode),
    step('notify', Notify),
    step('ticket', Ticket),
    step('wait', Wait),
    step('manual', Manual),
    step('approval', Approval),
    step('rollback', Rollback),
  ],
  { discriminator: { propertyName: 'action' }, description: 'One step of a playbook.' },
);

const FollowUp = Type.Object(
  {
    title: Text('What must be done.'),
    owner: Type.Optional(Ref('team', 'Id of the team that owns the follow-up.')),
    due: Type.Optional(Duration('Due this long after resolution.')),
  },
  { additionalProperties: false },
);

export const PlaybookSchema = Type.Object(
  {
    id: Id('Playbook id.'),
    name: Text('Human name.'),
    description: Type.Optional(Text('The scenario.')),
    integration: Ref('integration', 'Id of the integration this playbook is for.'),
    covers: Type.Optional(
      Type.Array(FailureClassSchema, {
        description: 'Failure classes this playbook answers (catalog coverage).',
      }),
    ),
    trigger: CriteriaSchema('When the playbook opens an incident.'),
    severity: Ref('severity', 'Id of the severity of the incidents it opens.'),
    escalation: Type.Optional(
      Ref('escalation policy', 'Id of the escalation policy (default: the owner team’s).'),
    ),
    owner: Type.Optional(
      Ref('team', 'Id of the team that owns its incidents (default: the integration owner).'),
    ),
    impact: Type.Optional(Literals(['low', 'medium', 'high', 'critical'] as const, 'Business impact.')),
    problem: Text(
      'Problem statement template; `{{value}}`, `{{threshold}}`, `{{integration}}` are filled in.',
    ),
    steps: Type.Array(StepSchema),
    success: Type.Optional(CriteriaSchema('When the incident resolves by itself (match defaults to all).')),
    rollback: Type.Optional(CriteriaSchema('When the playbook undoes its steps.')),
    followUps: Type.Optional(Type.Array(FollowUp)),
    review: Type.Optional(
      Type.Object(
        {
          every: Duration('Review interval.'),
          lastReviewed: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}' })),
        },
        { additionalProperties: false, description: 'Review schedule that keeps the playbook alive.' },
      ),
    ),
  },
  { $id: 'Playbook', additionalProperties: false, description: 'The response to one scenario.' },
);
