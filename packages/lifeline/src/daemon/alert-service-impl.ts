/**
 * The daemon's `AlertService`: it parses inbound alert bodies, keeps the alert book (restored from engine_state at
 * start; every change persisted as an `alert:<source>:<fingerprint>` entry before the book in memory changes, so
 * memory never runs ahead of the store), and evaluates the playbooks that use `alert` signals as soon as alerts
 * arrive rather than at the next sweep. The bearer token of `alerts.token` is resolved at each request, never
 * kept, and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../checks/scheduler/index.js';
import type { AlertSource } from '../alerts/alert.js';
import { applyAlerts, restoreAlertBook, type AlertBook } from '../alerts/alert-book.js';
import { parseAlertmanagerPayload } from '../alerts/alertmanager-payload.js';
import { parseGenericAlerts } from '../alerts/generic-alert.js';
import type { EngineStateEntry, StoredEngineStateEntry } from '../store/engine-records.js';
import type { Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import type { AlertAuthorization, AlertReceipt, AlertService } from './alert-service.js';
import { errorText, type DaemonLogger } from './logger.js';

/** engine_state key prefix of the alert book's entries. */
export const ALERT_KEY_PREFIX = 'alert:';

export interface AlertServiceOptions {
  clock: Clock;
  logger: DaemonLogger;
  /** engine_state at start: the `alert:` entries restore the book. */
  persisted: readonly StoredEngineStateEntry[];
  /** Runs a task in turn with the engine's decisions (`EngineShell.exclusive`). */
  exclusive: <T>(task: () => Promise<T>) => Promise<T>;
  /** Writes engine_state entries in one transaction. */
  write: (entries: EngineStateEntry[], signal: AbortSignal) => Promise<void>;
  /** Evaluates the criteria of the playbooks that use `alert` signals. */
  evaluate: () => Promise<void>;
  /** The workspace in use, for `alerts.token`. */
  workspace: () => Workspace;
  /** Environment of `${env:…}` references; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborts writes when the daemon stops. */
  signal?: AbortSignal;
}

export class DaemonAlerts implements AlertService {
  private book: AlertBook;

  constructor(private readonly options: AlertServiceOptions) {
    const entries = options.persisted
      .filter((entry) => entry.key.startsWith(ALERT_KEY_PREFIX))
      .map((entry): [string, unknown] => [entry.key.slice(ALERT_KEY_PREFIX.length), entry.document]);
    this.book = restoreAlertBook(entries, options.clock.now());
  }

  /** The alerts firing as far as the daemon knows, for signal evaluation. */
  current(): AlertBook {
    return this.book;
  }

  async authorize(authorization: string | undefined, signal: AbortSignal): Promise<AlertAuthorization> {
    const workspace = this.options.workspace();
    const reference = workspace.alerts?.token;
    if (!reference) return { kind: 'ok' };
    let expected: string;
    try {
      expected = await resolveSecret(reference, {
        baseDir: workspace.dir,
        ...(this.options.env ? { env: this.options.env } : {}),
      });
    } catch (error) {
      this.options.logger.error('the alert token cannot be resolved', { error: errorText(error) });
      return {
        kind: 'unavailable',
        reason: 'the alert token of the workspace cannot be resolved; see the daemon log',
      };
    }
    signal.throwIfAborted();
    const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (presented === undefined) {
      return {
        kind: 'unauthorized',
        reason: 'send the workspace’s alert token as `Authorization: Bearer <token>`',
      };
    }
    // Digests first: equal lengths for timingSafeEqual, and no length leaks through an early return.
    const digest = (text: string) => createHash('sha256').update(text).digest();
    if (!timingSafeEqual(digest(presented), digest(expected))) {
      return { kind: 'unauthorized', reason: 'the bearer token is not the workspace’s alert token' };
    }
    return { kind: 'ok' };
  }

  async receive(intake: AlertSource, body: unknown, signal: AbortSignal): Promise<AlertReceipt> {
    const { clock, logger } = this.options;
    const parsed =
      intake === 'alertmanager' ? parseAlertmanagerPayload(body) : parseGenericAlerts(body, clock.now());
    if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };
    const writeSignal = this.options.signal ? AbortSignal.any([signal, this.options.signal]) : signal;
    const changed = await this.options.exclusive(async () => {
      const { book, changes } = applyAlerts(this.book, parsed.alerts, clock.now());
      if (changes.length > 0) {
        const entries = changes.map(({ key, alert }) => ({ key: ALERT_KEY_PREFIX + key, document: alert }));
        await this.options.write(entries, writeSignal);
      }
      this.book = book;
      return changes.length;
    });
    const firing = parsed.alerts.filter((a) => a.status === 'firing').length;
    logger.info('alerts received', { intake, alerts: parsed.alerts.length, firing, changed });
    // Recorded either way: a failed evaluation is retried by the next sweep.
    await this.options.evaluate().catch((error: unknown) => {
      logger.error('evaluating alert signals failed', { error: errorText(error) });
    });
    return { kind: 'accepted', accepted: parsed.alerts.length };
  }
}
