/**
 * The typed workspace model: what `loadWorkspace` returns and every engine reads. An immutable snapshot; durations
 * are milliseconds, percentages fractions, secrets references (resolved only at the moment of use).
 */
import type { StaticDecode } from '@sinclair/typebox';
import type { EndpointSchema, IntegrationSchema, SloSchema } from './schema/integration.js';
import type { CheckSchema } from './schema/check.js';
import type { ChannelSchema, EscalationPolicySchema, SeveritySchema, TeamSchema } from './schema/response.js';
import type { PlaybookSchema, StepSchema } from './schema/playbook.js';
import type { SignalSchema } from './schema/signal.js';
import type { AlertsSchema } from './schema/alerts.js';
import type { ChangesSchema } from './schema/changes.js';
import type { FailureModeSchema, GlossaryTermSchema } from './schema/workspace-file.js';
import type { SourcePosition } from './diagnostics.js';

export type Integration = StaticDecode<typeof IntegrationSchema>;
export type Auth = Integration['auth'];
export type Endpoint = StaticDecode<typeof EndpointSchema>;
export type Slo = StaticDecode<typeof SloSchema>;
export type Check = StaticDecode<typeof CheckSchema>;
export type Team = StaticDecode<typeof TeamSchema>;
export type Person = Team['members'][number];
export type Channel = StaticDecode<typeof ChannelSchema>;
export type Severity = StaticDecode<typeof SeveritySchema>;
export type EscalationPolicy = StaticDecode<typeof EscalationPolicySchema>;
export type Playbook = StaticDecode<typeof PlaybookSchema>;
export type Step = StaticDecode<typeof StepSchema>;
export type Signal = StaticDecode<typeof SignalSchema>;
export type GlossaryTerm = StaticDecode<typeof GlossaryTermSchema>;
export type FailureMode = StaticDecode<typeof FailureModeSchema>;
/** The root file's `alerts:` (secrets as references). */
export type AlertsSettings = StaticDecode<typeof AlertsSchema>;
/** The root file's `changes:` as written (durations in ms, secrets as references); defaults in `src/changes`. */
export type ChangesSettings = StaticDecode<typeof ChangesSchema>;

export interface WorkspaceDefaults {
  checkIntervalMs: number;
  checkTimeoutMs: number;
  changeLookbackMs: number;
}

/** Where a thing with an id is declared. */
export interface Declaration {
  /** Path relative to the workspace directory. */
  file: string;
  /** Absolute path of the declaring file; relative paths in the thing resolve against its directory. */
  absoluteFile: string;
  /** Line and column; computed on demand, since it needs a position-tracking parse of the file. */
  locate(): SourcePosition;
}

export interface Workspace {
  /** Absolute path of the workspace directory (the directory of lifeline.yaml). */
  dir: string;
  name: string;
  /** Files loaded, relative to `dir`, root first. */
  files: string[];
  defaults: WorkspaceDefaults;
  integrations: Integration[];
  teams: Team[];
  channels: Channel[];
  severities: Severity[];
  escalationPolicies: EscalationPolicy[];
  playbooks: Playbook[];
  glossary: GlossaryTerm[];
  failureModes: FailureMode[];
  /** The root file's `changes:`; absent when not written. */
  changes?: ChangesSettings;
  /** The root file's `alerts:` (inbound alerts); absent when not written. */
  alerts?: AlertsSettings;
  /** Declarations by subject key, e.g. `integration:payments`, `check:charges-up`, `person:alice`. */
  declarations: ReadonlyMap<string, Declaration>;
}

/** A check with the integration it belongs to. */
export interface DeclaredCheck {
  integration: Integration;
  check: Check;
}

export function checksOf(workspace: Workspace): DeclaredCheck[] {
  return workspace.integrations.flatMap((integration) =>
    (integration.checks ?? []).map((check) => ({ integration, check })),
  );
}

export const DEFAULT_SEVERITIES: readonly Severity[] = [
  {
    id: 'SEV1',
    name: 'Critical',
    respond: { acknowledge: 5 * 60_000, firstAction: 15 * 60_000, resolve: 4 * 3_600_000 },
  },
  {
    id: 'SEV2',
    name: 'Major',
    respond: { acknowledge: 15 * 60_000, firstAction: 60 * 60_000, resolve: 8 * 3_600_000 },
  },
  {
    id: 'SEV3',
    name: 'Minor',
    respond: { acknowledge: 4 * 3_600_000, firstAction: 86_400_000, resolve: 5 * 86_400_000 },
  },
];

export const DEFAULTS: WorkspaceDefaults = {
  checkIntervalMs: 60_000,
  checkTimeoutMs: 10_000,
  changeLookbackMs: 24 * 3_600_000,
};
