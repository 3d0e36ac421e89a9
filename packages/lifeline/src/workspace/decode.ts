/**
 * Turns the validated data of every file into typed model items (durations to milliseconds, secrets to
 * references), remembering for each item the file and path it came from so later checks can point at it.
 * Items that failed shape validation are skipped, but their ids are remembered to avoid cascading errors.
 */
import { IntegrationSchema } from './schema/integration.js';
import { ChannelSchema, EscalationPolicySchema, SeveritySchema, TeamSchema } from './schema/response.js';
import { PlaybookSchema } from './schema/playbook.js';
import { FailureModeSchema, GlossaryTermSchema } from './schema/workspace-file.js';
import { ChangesSchema } from './schema/changes.js';
import { AlertsSchema } from './schema/alerts.js';
import { SchemaDecoder, type SecretUse } from './decoder.js';
import { parseDuration } from './values.js';
import type { SourceFile } from './source-file.js';
import type {
  AlertsSettings,
  ChangesSettings,
  Channel,
  EscalationPolicy,
  FailureMode,
  GlossaryTerm,
  Integration,
  Playbook,
  Severity,
  Team,
  WorkspaceDefaults,
} from './model.js';

export interface LoadedItem<T> {
  value: T;
  file: SourceFile;
  /** Path of the item in its file, e.g. `['integrations', 2]`. */
  path: [string, number];
}

export interface LoadedItems {
  integrations: LoadedItem<Integration>[];
  teams: LoadedItem<Team>[];
  channels: LoadedItem<Channel>[];
  severities: LoadedItem<Severity>[];
  escalationPolicies: LoadedItem<EscalationPolicy>[];
  playbooks: LoadedItem<Playbook>[];
  glossary: LoadedItem<GlossaryTerm>[];
  failureModes: LoadedItem<FailureMode>[];
  defaults: Partial<WorkspaceDefaults>;
  /** The root file's `changes:`, when written. */
  changes?: ChangesSettings;
  /** The root file's `alerts:`, when written. */
  alerts?: AlertsSettings;
  /** Ids of items that failed validation, by collection: references to them are not reported again. */
  invalidIds: Map<string, Set<string>>;
  /** Every secret-holding field of the decoded items, by file. */
  secrets: { file: SourceFile; uses: SecretUse[] }[];
}

const decoder = new SchemaDecoder();

const ITEM_SCHEMAS = {
  integrations: IntegrationSchema,
  teams: TeamSchema,
  channels: ChannelSchema,
  severities: SeveritySchema,
  escalationPolicies: EscalationPolicySchema,
  playbooks: PlaybookSchema,
  glossary: GlossaryTermSchema,
  failureModes: FailureModeSchema,
} as const;

type CollectionKey = keyof typeof ITEM_SCHEMAS;

export function decodeItems(files: SourceFile[], invalid: Map<SourceFile, Set<string>>): LoadedItems {
  const items: LoadedItems = {
    integrations: [],
    teams: [],
    channels: [],
    severities: [],
    escalationPolicies: [],
    playbooks: [],
    glossary: [],
    failureModes: [],
    defaults: {},
    invalidIds: new Map(),
    secrets: [],
  };
  for (const file of files) {
    const data = file.data as Record<string, unknown>;
    const bad = invalid.get(file) ?? new Set<string>();
    const secrets: SecretUse[] = [];
    items.secrets.push({ file, uses: secrets });
    for (const key of Object.keys(ITEM_SCHEMAS) as CollectionKey[]) {
      const list = data[key];
      if (!Array.isArray(list)) continue;
      list.forEach((raw: unknown, index) => {
        if (bad.has(`${key}/${index}`)) {
          const id = (raw as { id?: unknown } | null)?.id;
          if (typeof id === 'string') {
            if (!items.invalidIds.has(key)) items.invalidIds.set(key, new Set());
            items.invalidIds.get(key)!.add(id);
          }
          return;
        }
        const value = decoder.decode(ITEM_SCHEMAS[key], raw, [key, index], secrets);
        (items[key] as LoadedItem<unknown>[]).push({ value, file, path: [key, index] });
      });
    }
    if (!bad.size) decodeDefaults(data.defaults, items.defaults);
    if (data.alerts !== undefined) {
      items.alerts = decoder.decode(AlertsSchema, data.alerts, ['alerts'], secrets) as AlertsSettings;
    }
    if (data.changes !== undefined) {
      items.changes = decoder.decode(ChangesSchema, data.changes, ['changes'], secrets) as ChangesSettings;
    }
  }
  return items;
}

function decodeDefaults(raw: unknown, into: Partial<WorkspaceDefaults>): void {
  if (!raw || typeof raw !== 'object') return;
  const defaults = raw as Record<string, unknown>;
  const read = (key: string): number | undefined =>
    typeof defaults[key] === 'string' ? parseDuration(defaults[key] as string) : undefined;
  const interval = read('checkInterval');
  const timeout = read('checkTimeout');
  const lookback = read('changeLookback');
  if (interval !== undefined) into.checkIntervalMs = interval;
  if (timeout !== undefined) into.checkTimeoutMs = timeout;
  if (lookback !== undefined) into.changeLookbackMs = lookback;
}
