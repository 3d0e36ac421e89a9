/**
 * The data of a playbook plan: what one playbook would do if its trigger fired now — the incident it would open,
 * its response targets, who escalation would reach and when, its steps — and the static checks of the playbook.
 * Times are offsets in milliseconds from the moment the incident opens. Plain JSON, printed as is by
 * `lifeline playbook plan --json`; add fields, never rename them.
 */
import type { Step } from '../../workspace/model.js';
import type { AffectedComponents, Impact, NotifyReason, TargetKind, TemplateVars } from '../types.js';

export interface PlanOptions {
  /** Simulated measured values for the problem statement and messages (`value`, `threshold`, …). */
  values?: Readonly<Record<string, string>>;
  /**
   * Channel kinds the daemon can deliver to now. The caller asks the channels module (see the CLI); when absent,
   * channels are not checked for deliverability.
   */
  deliverableKinds?: readonly string[];
  /** Where a playbook or one of its steps is declared (see `locate-steps.ts`); positions are left out without it. */
  locate?: Locator;
  /** Most run paths the reachability exploration walks before it gives up (default 2,000). */
  maxPaths?: number;
}

export interface PlanPosition {
  file: string;
  line: number;
  col: number;
}

/** Position of a playbook (no step) or of one of its steps, when known. */
export type Locator = (playbookId: string, stepId?: string) => PlanPosition | undefined;

/** Stable codes of the playbook checks; documented in docs/cli.md. Scripts may rely on them. */
export type PlanCheckCode =
  | 'step-unreachable'
  | 'reachability-unknown'
  | 'approval-nobody'
  | 'manual-nobody'
  | 'rollback-unknown-step'
  | 'rollback-undoes-nothing'
  | 'rollback-step-without-compensation'
  | 'guard-undoes-nothing'
  | 'notify-nobody'
  | 'channel-undeliverable'
  | 'escalation-missing'
  | 'escalation-level-nobody'
  | 'escalation-target-empty'
  | 'target-before-escalation';

/** One finding of the static checks, shaped like a workspace diagnostic. */
export interface PlanDiagnostic {
  code: PlanCheckCode;
  severity: 'error' | 'warning';
  playbook: string;
  step?: string;
  /** Path relative to the workspace directory; absent when the declaration is not known. */
  file?: string;
  line?: number;
  col?: number;
  message: string;
  hint?: string;
  /** `playbook:ID` or `playbook:ID/step:ID`, as workspace diagnostics name things. */
  subject: string;
}

export interface PlanTarget {
  kind: TargetKind;
  durationMs: number;
  /** When it becomes "at risk" (80 % by default). */
  atRiskMs: number;
  dueMs: number;
  /** `default` when the severity does not set it and the built-in SEV1–SEV3 default applies. */
  source: 'severity' | 'default';
}

export interface PlanAudience {
  people: string[];
  channels: string[];
}

/** A level of the escalation policy as declared, with its targets resolved to people and channels. */
export interface PlanLevel {
  level: number;
  afterMs: number;
  unless?: 'acknowledged' | 'mitigated' | 'resolved';
  targets: { team?: string; person?: string; channel?: string; role?: string }[];
  audience: PlanAudience;
}

/** A notification the engine sends when nobody responds, in the order it sends them. */
export interface PlanNotification extends PlanAudience {
  atMs: number;
  reason: NotifyReason;
  cycle: number;
  level: number;
  /** The breached target that made it fire early. */
  target?: TargetKind;
  fallbackChannel?: string;
}

/** What else happens on the clock when nobody responds: targets at risk and breached, severity raised. */
export interface PlanClockEvent {
  atMs: number;
  kind: 'target-at-risk' | 'target-breached' | 'severity-changed' | 'escalation-skipped';
  text: string;
}

export interface PlanEscalation {
  policy?: { id: string; name?: string };
  repeat: number;
  /** Time from the start of one cycle to the start of the next. */
  cyclePeriodMs?: number;
  fallbackChannel?: string;
  levels: PlanLevel[];
  /** From the engine, driven with a fake clock until every timer of the incident has fired. */
  notifications: PlanNotification[];
  clock: PlanClockEvent[];
}

/** How a step fares in the run where every step succeeds and every condition holds. */
export type HappyPathStatus = 'runs' | 'skipped' | 'waits-forever' | 'not-reached';

export interface PlanStep {
  index: number;
  id: string;
  name?: string;
  action: Step['action'];
  /** One line: what the step does. */
  summary: string;
  /** `if`, in words. */
  condition?: string;
  timeoutMs?: number;
  retries: number;
  onFailure: 'abort' | 'continue';
  /** Whether `onFailure` is the default (abort; continue for approvals). */
  onFailureDefault: boolean;
  /** What undoes it, in words. */
  compensation?: string;
  guard?: { signal: string; withinMs: number };
  /** Approvals: who may approve; manual steps: who is asked. People are the person ids that match. */
  who?: { team?: string; role?: string; people: string[] };
  /** Notify and ticket steps: the channels the message goes to. */
  channels?: string[];
  /** The rendered message, ticket title, instructions or approval prompt. */
  text?: string;
  /** Starting it meets the first-action response target. */
  remediation: boolean;
  happyPath: HappyPathStatus;
  /** Whether some run can start the step; undefined when the exploration did not finish. */
  reachable?: boolean;
  position?: PlanPosition;
}

export interface Plan {
  playbook: {
    id: string;
    name: string;
    description?: string;
    integration: string;
    position?: PlanPosition;
  };
  /** The simulated trigger: the values templates are rendered with and the checks behind it. */
  trigger: {
    signals: string[];
    checks: string[];
    /** Values given by the caller. */
    values: Record<string, string>;
    /** Values filled with a sample because the caller gave none. */
    samples: Record<string, string>;
    vars: TemplateVars;
  };
  incident: {
    severity: { id: string; name: string };
    problem: string;
    affected: AffectedComponents;
    impact?: Impact;
    ownerTeam: { id: string; name?: string };
    escalationPolicy?: string;
  };
  responseTargets: PlanTarget[];
  escalation: PlanEscalation;
  steps: PlanStep[];
  followUps: { title: string; owner?: string; dueMs?: number }[];
  /** The channel kinds deliverability was checked against, when it was. */
  deliverableChannelKinds?: string[];
  checks: PlanDiagnostic[];
}
