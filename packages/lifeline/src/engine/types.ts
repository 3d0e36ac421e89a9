/**
 * The data of the engine's functional core: the state it keeps (incidents, their timelines, playbook runs and
 * durable timers), the events it accepts, the effects (outbox rows) it asks the shell to carry out and the outcome
 * of each decision. Everything is plain JSON-serialisable data, so the shell can store it in one transaction and a
 * restarted daemon continues exactly where the last one stopped.
 */
import type { Playbook, Signal, Step } from '../workspace/model.js';

// ─── incidents ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Status moves forward only (`triggered → acknowledged → mitigated → resolved`); a reopen starts a new episode. */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';

export type Impact = NonNullable<Playbook['impact']>;

/** Who did something: a person id, an API client name, or {@link ENGINE_ACTOR} for the engine itself. */
export type Actor = string;
export const ENGINE_ACTOR = 'lifeline';

/** Values measured by the signal that fired (already formatted by the shell, e.g. `1.2s`, `23%`). */
export type MeasuredValues = Readonly<Record<string, string | number>>;

/** Placeholders a template may use (`{{value}}`, `{{threshold}}`, `{{integration}}`, `{{signal}}`, …). */
export type TemplateVars = Readonly<Record<string, string>>;

export interface AffectedComponents {
  integration: string;
  /** `METHOD /path/template` of the endpoints of the checks involved. */
  endpoints: string[];
  /** Internal services that depend on the integration. */
  dependents: string[];
}

export type TimelineKind =
  | 'opened'
  | 'occurred'
  | 'reopened'
  | 'signal-cleared'
  | 'acknowledged'
  | 'mitigated'
  | 'resolved'
  | 'note'
  | 'assigned'
  | 'attempt'
  | 'escalated'
  | 'escalation-skipped'
  | 'target-at-risk'
  | 'target-breached'
  | 'severity-changed'
  | 'step-started'
  | 'step-waiting'
  | 'step-retried'
  | 'step-succeeded'
  | 'step-failed'
  | 'step-skipped'
  | 'approved'
  | 'declined'
  | 'run-completed'
  | 'run-aborted'
  | 'run-cancelled'
  | 'guard-tripped'
  | 'rollback-criteria-held'
  | 'compensation-requested'
  | 'compensation-result'
  | 'delivery-failed';

/** One change of an incident: who, when, what. Appended, never edited. */
export interface TimelineEntry {
  at: number;
  actor: Actor;
  kind: TimelineKind;
  text: string;
  episode: number;
  stepId?: string;
  target?: TargetKind;
}

export type TargetKind = 'acknowledge' | 'firstAction' | 'resolve';
export type TargetStatus = 'pending' | 'at-risk' | 'met' | 'breached' | 'cancelled';

/** One response target of the current episode; all times are epoch milliseconds. */
export interface ResponseTarget {
  kind: TargetKind;
  durationMs: number;
  /** When the clock started: the incident's `triggeredAt`. */
  startedAt: number;
  /** `startedAt + 80 % of durationMs`. */
  atRiskAt: number;
  /** `startedAt + durationMs`: the breach time. */
  dueAt: number;
  status: TargetStatus;
  metAt?: number;
  breachedAt?: number;
}

/** A level of the escalation policy that was notified (for the "resolved" message and the report). */
export interface NotifiedLevel {
  episode: number;
  cycle: number;
  level: number;
  at: number;
}

export interface EscalationProgress {
  /** Current cycle of the policy: 0 for the first pass, 1…repeat for repeats. */
  cycle: number;
  notified: NotifiedLevel[];
}

export interface Resolution {
  by: Actor;
  automatic: boolean;
  note?: string;
}

export interface Incident {
  id: string;
  playbookId: string;
  signature: string;
  integration: string;
  /** Current severity id (may have been raised by a breach). */
  severity: string;
  status: IncidentStatus;
  problem: string;
  affected: AffectedComponents;
  impact?: Impact;
  ownerTeam: string;
  policyId?: string;
  /** Measured values of the latest occurrence and the checks involved. */
  values: MeasuredValues;
  checks: string[];
  openedAt: number;
  /** 1 for the first opening, +1 per reopen. Status, targets, escalation and the run belong to an episode. */
  episode: number;
  /** Start of the current episode: `openedAt`, or the time of the last reopen. */
  triggeredAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: Actor;
  mitigatedAt?: number;
  resolvedAt?: number;
  resolution?: Resolution;
  firstActionAt?: number;
  assignee?: string;
  occurrences: number;
  lastOccurredAt: number;
  /** Whether the trigger still holds (no `signal-cleared` since the last firing). */
  signalActive: boolean;
  /** Targets whose breach already raised the severity: each raises it at most once per incident. */
  severityRaisedBy: TargetKind[];
  escalation: EscalationProgress;
  targets: ResponseTarget[];
  run: PlaybookRun;
  timeline: TimelineEntry[];
}

// ─── playbook runs ──────────────────────────────────────────────────────────────────────────────────────────────

export type StepStatus =
  'pending' | 'evaluating' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type StepResultOutcome = 'succeeded' | 'failed' | 'timed-out';
export type CompensationReason = 'abort' | 'rollback-step' | 'rollback-criteria' | 'guard';
export type Compensation = NonNullable<Step['compensate']>;

export interface StepRecord {
  stepId: string;
  status: StepStatus;
  /** Attempts started so far (0 until the step starts). */
  attempt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Result of the latest attempt, as reported. */
  lastResult?: StepResultOutcome;
  detail?: string;
  /** Who completed a manual step or answered an approval. */
  by?: Actor;
  compensation?: { at: number; reason: CompensationReason; outcome?: 'succeeded' | 'failed' };
}

export type RunStatus = 'running' | 'completed' | 'aborted' | 'rolled-back' | 'cancelled';

/** One run of the playbook's steps; run `n` belongs to episode `n`. */
export interface PlaybookRun {
  number: number;
  status: RunStatus;
  /** Index of the step in progress (or `steps.length` when the run got to the end). */
  cursor: number;
  steps: StepRecord[];
  startedAt: number;
  finishedAt?: number;
}

// ─── timers ─────────────────────────────────────────────────────────────────────────────────────────────────────

export type TimerStatus = 'pending' | 'fired' | 'cancelled';

export type TimerRef =
  | { kind: 'escalation-level'; episode: number; cycle: number; level: number }
  | { kind: 'escalation-cycle'; episode: number; cycle: number }
  | { kind: 'target-at-risk'; episode: number; target: TargetKind }
  | { kind: 'target-breach'; episode: number; target: TargetKind }
  | { kind: 'step-timeout'; run: number; stepId: string; attempt: number }
  | { kind: 'guard-window'; run: number; stepId: string };

/** A durable timer: a row with `dueAt`; the shell sends `timer-due` once it is due, in (dueAt, id) order. */
export type Timer = TimerRef & { id: string; incidentId: string; dueAt: number; status: TimerStatus };

// ─── state ──────────────────────────────────────────────────────────────────────────────────────────────────────

export interface EngineState {
  version: 1;
  /** Number of the next incident; incident ids are `INC-<n>`. */
  nextIncidentNumber: number;
  incidents: Record<string, Incident>;
  /** Failure signature → id of the latest incident with it (open, or resolved and maybe reopened). */
  signatures: Record<string, string>;
  timers: Record<string, Timer>;
}

// ─── effects (outbox rows) ──────────────────────────────────────────────────────────────────────────────────────

/** A declared notify target of an escalation level (exactly one of team, person, channel). */
export interface NotifyTarget {
  team?: string;
  person?: string;
  channel?: string;
  role?: string;
}

export type NotifyReason = 'escalation' | 'breach' | 'acknowledged' | 'resolved';

export interface NotifyPayload {
  reason: NotifyReason;
  episode: number;
  cycle?: number;
  level?: number;
  /** The breached target when `reason` is `breach`. */
  target?: TargetKind;
  severity: string;
  status: IncidentStatus;
  problem: string;
  targets: NotifyTarget[];
  /** Targets resolved: person ids (team members with the role) and channel ids (declared and the teams'). */
  people: string[];
  channels: string[];
  fallbackChannel?: string;
}

export interface RunActionPayload {
  run: number;
  stepId: string;
  attempt: number;
  step: Step;
  /** Absolute deadline of this attempt, when the step has a timeout. */
  deadline?: number;
  vars: TemplateVars;
  /** The step's `message` (notify) or `title` (ticket) template, rendered; the problem statement otherwise. */
  text: string;
}

export interface CompensatePayload {
  run: number;
  stepId: string;
  action: Compensation;
  reason: CompensationReason;
  vars: TemplateVars;
}

export interface RequestHumanPayload {
  run: number;
  stepId: string;
  kind: 'manual' | 'approval';
  text: string;
  /** Who may act (approvals) or should act (manual steps). */
  who?: { team: string; role?: string };
  /** Person ids matching `who`. */
  people: string[];
  deadline?: number;
}

export interface EvaluateConditionPayload {
  run: number;
  stepId: string;
  signal: Signal;
}

export interface WatchGuardPayload {
  run: number;
  stepId: string;
  signal: Signal;
  until: number;
}

export interface FollowUpPayload {
  playbookId: string;
  title: string;
  owner?: string;
  dueAt?: number;
}

/** An outbox row. `id` is a deterministic idempotency key: the same decision always yields the same ids. */
export type Effect =
  | { id: string; kind: 'notify'; incidentId: string; payload: NotifyPayload }
  | { id: string; kind: 'run-action'; incidentId: string; payload: RunActionPayload }
  | { id: string; kind: 'compensate'; incidentId: string; payload: CompensatePayload }
  | { id: string; kind: 'request-human'; incidentId: string; payload: RequestHumanPayload }
  | { id: string; kind: 'evaluate-condition'; incidentId: string; payload: EvaluateConditionPayload }
  | { id: string; kind: 'watch-guard'; incidentId: string; payload: WatchGuardPayload }
  | { id: string; kind: 'follow-up'; incidentId: string; payload: FollowUpPayload };

export type EffectKind = Effect['kind'];

// ─── events ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Events the shell derives from signals, timers and action results. */
export type SystemEvent =
  | {
      kind: 'signal-fired';
      playbookId: string;
      signature: string;
      values?: MeasuredValues;
      /** Ids of the checks whose results made the signal hold. */
      checks?: string[];
      /** A short description of the signal, for `{{signal}}`. */
      signal?: string;
    }
  | { kind: 'signal-cleared'; signature: string }
  | { kind: 'success-held'; incidentId: string }
  | { kind: 'rollback-criteria-held'; incidentId: string }
  | { kind: 'guard-held'; incidentId: string; stepId: string }
  | { kind: 'timer-due'; timerId: string }
  | {
      kind: 'step-result';
      incidentId: string;
      run: number;
      stepId: string;
      attempt: number;
      outcome: StepResultOutcome;
      detail?: string;
    }
  | { kind: 'condition-evaluated'; incidentId: string; run: number; stepId: string; holds: boolean }
  | {
      kind: 'compensation-result';
      incidentId: string;
      run: number;
      stepId: string;
      outcome: 'succeeded' | 'failed';
      detail?: string;
    }
  | {
      /** The dispatcher gave up on a message (a dead letter): the incident's timeline says so. */
      kind: 'delivery-dead-lettered';
      incidentId: string;
      channel: string;
      /** Why, as the last attempt failed (e.g. `webhook ops answered 404`). */
      reason: string;
      /** The outbox row given up on. */
      rowId: string;
    };

/** Commands from humans (API, CLI, chat); each returns an outcome the API maps to a status code. */
export type CommandEvent =
  | { kind: 'acknowledge'; incidentId: string; actor: Actor; text?: string }
  | { kind: 'mitigate'; incidentId: string; actor: Actor; text?: string }
  | { kind: 'resolve'; incidentId: string; actor: Actor; text?: string }
  | { kind: 'note'; incidentId: string; actor: Actor; text: string }
  | { kind: 'assign'; incidentId: string; actor: Actor; assignee: string; text?: string }
  | { kind: 'mark-attempt'; incidentId: string; actor: Actor; text?: string }
  | { kind: 'approve'; incidentId: string; stepId: string; actor: Actor; text?: string }
  | { kind: 'decline'; incidentId: string; stepId: string; actor: Actor; text?: string }
  | { kind: 'step-done'; incidentId: string; stepId: string; actor: Actor; text?: string };

export type EngineEvent = SystemEvent | CommandEvent;
export type EventKind = EngineEvent['kind'];

// ─── decisions ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * What became of an event. Commands map to HTTP: ok 200, not-found 404, conflict 409, forbidden 403. `ignored` is
 * for system events that no longer apply (a timer already fired, a result of an attempt that timed out). Whenever
 * the outcome is not `ok`, the state is returned unchanged and there are no effects.
 */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'not-found'; reason: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'forbidden'; reason: string };

export interface Decision {
  state: EngineState;
  effects: Effect[];
  outcome: Outcome;
  /** The incident the event concerned, when there is one (the only incident whose row changed). */
  incidentId?: string;
}

/**
 * Everything one `ok` decision changes in the state, and nothing else: the state after it is the state before
 * with these swapped in (`applyChanges`). Its size is that of one incident, whatever the size of the state.
 */
export interface StateChanges {
  /** The incident the decision concerned, as it is after it (a new object; replaces the one with its id). */
  incident: Incident;
  /** Timers created or changed, by id (new objects; each replaces the one with its id). */
  timers: ReadonlyMap<string, Timer>;
  /** Signature index entries added or changed (a new incident takes its signature). */
  signatures?: Readonly<Record<string, string>>;
  /** The next incident number, when the decision opened an incident. */
  nextIncidentNumber?: number;
}

/** A decision as what changed: `changes` is there exactly when the outcome is `ok`. */
export interface DecisionChanges {
  changes?: StateChanges;
  effects: Effect[];
  outcome: Outcome;
  /** The incident the event concerned, when there is one. */
  incidentId?: string;
}

/**
 * Derived data a caller keeps next to its state so one decision finds an incident's timers without a scan of
 * every timer: `timersOf` returns (at least) the incident's pending timers. Entries that are not in the state any
 * more or not pending are skipped, so a lazily cleaned index is fine; one that misses a pending timer is not.
 */
export interface TimerIndex {
  timersOf(incidentId: string): Iterable<Timer>;
}
