/**
 * Turns measurements into engine events: each playbook's trigger (→ `signal-fired` when it starts holding,
 * `signal-cleared` when it stops), and for each open incident its success (→ `success-held`) and rollback
 * (→ `rollback-criteria-held`) criteria; also one-off and polled step signals (`if`, `wait`, `guard`). The
 * hysteresis state of every criteria is kept here and persisted in engine_state (`criteria:<key>`), so a
 * restarted daemon neither re-fires a trigger that already fired nor forgets how long success has held.
 * Playbooks with `alert` signals are also indexed under `ALERT_SCOPE`, to evaluate when alerts arrive.
 */
import { groupOpenIncidents, type EngineState, type Incident, type SystemEvent } from '../engine/index.js';
import {
  INITIAL_CRITERIA_STATE,
  criteriaKey,
  evaluateCriteria,
  measurementKeyOf,
  signalDefaultsFor,
  signalKey,
  slosOf,
  type CriteriaState,
  type Measurements,
  type SignalDefaults,
  type SignalSense,
  type StepSignalUse,
} from '../engine/signals/index.js';
import type { EngineStateEntry, StoredEngineStateEntry } from '../store/engine-records.js';
import { checksOf, type Playbook, type Signal, type Workspace } from '../workspace/model.js';
import { CRITERIA_KEY_PREFIX } from './state-records.js';

/**
 * The scope of `evaluate` for the playbooks whose criteria use `alert` signals, evaluated when alerts arrive.
 * Not an integration id: those cannot contain `:`.
 */
export const ALERT_SCOPE = ':alerts';

/** What is persisted per criteria: its hysteresis, and for a trigger whether (and as what) it fired. */
export interface WatchedCriteria {
  state: CriteriaState;
  firedSignature?: string;
}

/** An event the watch wants applied; `applied` records that it was, so it is not sent again. */
export interface WatchEvent {
  event: SystemEvent;
  applied?: () => void;
}

export interface WatchContext {
  measurements: Measurements;
  /** The open incidents by playbook, as the shell keeps them (`EngineShell.openIncidents`); else grouped here. */
  openByPlaybook?: ReadonlyMap<string, readonly Incident[]>;
  /** The failure signature of a check's latest result, when it failed. */
  failingSignature: (check: string) => string | undefined;
  now: number;
}

export class CriteriaWatch {
  private readonly states = new Map<string, WatchedCriteria>();
  private readonly dirty = new Set<string>();
  private workspace: Workspace;
  private byIntegration = new Map<string, Playbook[]>();
  /** Each playbook's signal defaults, made once per workspace: they hold every integration's SLO. */
  private defaults = new Map<Playbook, SignalDefaults>();

  constructor(workspace: Workspace, persisted: readonly StoredEngineStateEntry[] = []) {
    this.workspace = workspace;
    for (const entry of persisted) {
      if (entry.key.startsWith(CRITERIA_KEY_PREFIX) && entry.document && typeof entry.document === 'object') {
        this.states.set(entry.key.slice(CRITERIA_KEY_PREFIX.length), entry.document as WatchedCriteria);
      }
    }
    this.configure(workspace);
  }

  /** Re-indexes playbooks by the integrations their criteria measure. */
  configure(workspace: Workspace): void {
    this.workspace = workspace;
    const index = new Map<string, Playbook[]>();
    const slos = slosOf(workspace.integrations);
    this.defaults = new Map(
      workspace.playbooks.map((playbook) => [playbook, { integration: playbook.integration, slos }]),
    );
    for (const playbook of workspace.playbooks) {
      const defaults = this.defaultsOf(playbook);
      const signals = [
        ...playbook.trigger.when,
        ...(playbook.success?.when ?? []),
        ...(playbook.rollback?.when ?? []),
      ];
      const integrations = new Set(signals.map((s) => measurementKeyOf(s, defaults).integration));
      if (signals.some((s) => s.signal === 'alert')) integrations.add(ALERT_SCOPE);
      for (const integration of integrations)
        index.set(integration, [...(index.get(integration) ?? []), playbook]);
    }
    this.byIntegration = index;
  }

  /** Events from the criteria that measure `integration` (or use alerts: `ALERT_SCOPE`; all when undefined). */
  evaluate(engine: EngineState, context: WatchContext, integration?: string): WatchEvent[] {
    const playbooks =
      integration === undefined ? this.workspace.playbooks : (this.byIntegration.get(integration) ?? []);
    const events: WatchEvent[] = [];
    // Grouped once, not scanned per playbook: a sweep goes through every playbook.
    const open = context.openByPlaybook ?? groupOpenIncidents(engine).byPlaybook;
    for (const playbook of playbooks) {
      events.push(...this.trigger(playbook, context));
      for (const incident of open.get(playbook.id) ?? []) {
        const prefix = `${incident.id}/`;
        if (
          playbook.success &&
          this.holds(
            prefix + criteriaKey(playbook.id, 'success'),
            playbook,
            playbook.success,
            'all',
            context,
            'resolves',
          )
        ) {
          events.push({ event: { kind: 'success-held', incidentId: incident.id } });
        }
        const rollbackAllowed = incident.run.status === 'running' || incident.run.status === 'completed';
        if (
          playbook.rollback &&
          this.holds(
            prefix + criteriaKey(playbook.id, 'rollback'),
            playbook,
            playbook.rollback,
            'any',
            context,
          ) &&
          rollbackAllowed
        ) {
          events.push({ event: { kind: 'rollback-criteria-held', incidentId: incident.id } });
        }
      }
    }
    return events;
  }

  /** Whether a step's signal holds now, keeping its hysteresis across polls (`wait`, `guard`) under its key. */
  stepSignalHolds(
    incidentId: string,
    playbook: Playbook,
    stepId: string,
    use: StepSignalUse,
    signal: Signal,
    context: WatchContext,
  ): boolean {
    const key = `${incidentId}/${signalKey({ kind: 'step', playbook: playbook.id, step: stepId, use })}`;
    return this.holds(key, playbook, { when: [signal] }, 'any', context);
  }

  /** Entries changed since the last call, to persist with the next write. */
  takeDirty(): EngineStateEntry[] {
    const entries = [...this.dirty].map((key) => ({
      key: CRITERIA_KEY_PREFIX + key,
      document: this.states.get(key) ?? null,
    }));
    this.dirty.clear();
    return entries;
  }

  /** Puts entries back after a failed write, so the next write carries them. */
  restoreDirty(entries: readonly EngineStateEntry[]): void {
    for (const entry of entries) this.dirty.add(entry.key.slice(CRITERIA_KEY_PREFIX.length));
  }

  /** Forgets in-memory states of incidents no longer open (their rows stay, harmless). */
  forgetIncident(incidentId: string): void {
    for (const key of [...this.states.keys()]) if (key.startsWith(`${incidentId}/`)) this.states.delete(key);
  }

  private trigger(playbook: Playbook, context: WatchContext): WatchEvent[] {
    const key = criteriaKey(playbook.id, 'trigger');
    const defaults = this.defaultsOf(playbook);
    const watched = this.states.get(key) ?? { state: INITIAL_CRITERIA_STATE };
    const evaluation = evaluateCriteria(
      playbook.trigger,
      'any',
      defaults,
      context.measurements,
      watched.state,
      context.now,
    );
    this.store(key, { ...watched, state: evaluation.state });
    if (evaluation.holds && watched.firedSignature === undefined) {
      const holding = playbook.trigger.when.filter((_, i) => evaluation.signals[i]?.holds);
      const checks = this.checksOf(playbook, holding);
      const signature = this.signatureOf(playbook, checks, context);
      const values = evaluation.values;
      const event: SystemEvent = {
        kind: 'signal-fired',
        playbookId: playbook.id,
        signature,
        checks,
        ...(values
          ? {
              values: { ...values.extra, value: values.value, threshold: values.threshold },
              signal: values.signal,
            }
          : {}),
      };
      return [{ event, applied: () => this.store(key, { ...this.current(key), firedSignature: signature }) }];
    }
    if (!evaluation.holds && watched.firedSignature !== undefined) {
      const event: SystemEvent = { kind: 'signal-cleared', signature: watched.firedSignature };
      return [{ event, applied: () => this.store(key, { state: this.current(key).state }) }];
    }
    return [];
  }

  private holds(
    key: string,
    playbook: Playbook,
    criteria: Playbook['trigger'],
    match: 'any' | 'all',
    context: WatchContext,
    sense: SignalSense = 'fires',
  ): boolean {
    const defaults = this.defaultsOf(playbook);
    const watched = this.current(key);
    const evaluation = evaluateCriteria(
      criteria,
      match,
      defaults,
      context.measurements,
      watched.state,
      context.now,
      sense,
    );
    this.store(key, { ...watched, state: evaluation.state });
    return evaluation.holds;
  }

  /**
   * The checks behind the holding signals: the one each names, else every enabled check of its integration.
   * Inbound alerts are not check results: an `alert` signal has none behind it.
   */
  private checksOf(playbook: Playbook, signals: readonly Signal[]): string[] {
    const defaults = this.defaultsOf(playbook);
    const checks = new Set<string>();
    for (const signal of signals) {
      if (signal.signal === 'alert') continue;
      const key = measurementKeyOf(signal, defaults);
      if (key.check !== undefined) checks.add(key.check);
      else
        for (const { integration, check } of checksOf(this.workspace))
          if (integration.id === key.integration && check.enabled !== false) checks.add(check.id);
    }
    return [...checks];
  }

  /**
   * The failure signature of the firing: the failing checks' signature when they agree on one (a precise
   * failure groups with its past), else one per playbook and integration (e.g. latency over a threshold while
   * every result is still `ok`).
   */
  private signatureOf(playbook: Playbook, checks: readonly string[], context: WatchContext): string {
    const failing = new Set(checks.map(context.failingSignature).filter((s): s is string => s !== undefined));
    if (failing.size === 1) return [...failing][0]!;
    return `playbook:${playbook.id}:${playbook.integration}`;
  }

  private defaultsOf(playbook: Playbook): SignalDefaults {
    return this.defaults.get(playbook) ?? signalDefaultsFor(this.workspace.integrations, playbook);
  }

  private current(key: string): WatchedCriteria {
    return this.states.get(key) ?? { state: INITIAL_CRITERIA_STATE };
  }

  private store(key: string, value: WatchedCriteria): void {
    const previous = this.states.get(key);
    this.states.set(key, value);
    if (JSON.stringify(previous) !== JSON.stringify(value)) this.dirty.add(key);
  }
}
