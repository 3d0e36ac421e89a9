/**
 * The daemon's `ChangeService` over the store, and the linker that gives an incident its changes. Recording
 * checks what only the daemon knows — the integration and team exist in the workspace, the webhook secrets —
 * and fills the team from the integration's owner; every recorded change is reported to `onRecorded` (the
 * credential check's key rotations). Secrets are resolved per request, at the moment of use, never logged.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../checks/scheduler/index.js';
import type { ChangeRecord, ChangeSource } from '../changes/change.js';
import { parseChangeInput, toChangeRecord, type ChangeInput } from '../changes/change-input.js';
import { changeLookBackMs, changeWebhookSettings, githubWebhookSecret } from '../changes/changes-config.js';
import { mapDeploymentStatus } from '../changes/github-deployment-status.js';
import { rankChanges, type LinkedChange } from '../changes/rank-changes.js';
import { verifyGithubSignature, verifyLifelineSignature } from '../changes/verify-signature.js';
import { assertNever, type Incident } from '../engine/index.js';
import type { ChangePage } from '../store/change-records.js';
import { MAX_PAGE_LIMIT, type Store } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import type { SecretReference } from '../workspace/values.js';
import type {
  ChangeListQuery,
  ChangeOutcome,
  ChangeService,
  GithubChangeRequest,
  SignedChangeRequest,
} from './change-service.js';

export interface ChangeServiceDeps {
  store: Store;
  clock: Pick<Clock, 'now'>;
  workspace: () => Workspace;
  env?: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  /** Called with each change recorded for the first time. */
  onRecorded?: (change: ChangeRecord) => void;
  /** Ids for changes sent without one; default `chg-<uuid>`. */
  newId?: () => string;
}

export function createChangeService(deps: ChangeServiceDeps): ChangeService {
  const { store, clock, signal } = deps;

  async function save(input: ChangeInput, source: ChangeSource, newId = deps.newId): Promise<ChangeOutcome> {
    const made = toChangeRecord(input, source, clock.now(), newId);
    if (!made.ok) return { kind: 'invalid', ...made.problem };
    return recordChecked(made.value);
  }

  /** Checks the change against the workspace, fills its team, and stores it. */
  async function recordChecked(change: ChangeRecord): Promise<ChangeOutcome> {
    const workspace = deps.workspace();
    let team = change.team;
    if (change.integration !== undefined) {
      const integration = workspace.integrations.find((i) => i.id === change.integration);
      if (!integration) {
        return invalid('integration', `no integration ${change.integration} in the workspace`);
      }
      team ??= integration.owner;
    }
    if (change.team !== undefined && !workspace.teams.some((t) => t.id === change.team)) {
      return invalid('team', `no team ${change.team} in the workspace`);
    }
    const outcome = await store.recordChange(
      { ...change, ...(team !== undefined ? { team } : {}) },
      { signal },
    );
    if (outcome.created) deps.onRecorded?.(outcome.change);
    return { kind: 'recorded', change: outcome.change, created: outcome.created };
  }

  /** The secret's value, or the outcome that says why there is none. */
  async function secretOf(
    ref: SecretReference | undefined,
    what: string,
    key: string,
  ): Promise<{ ok: true; value: string } | { ok: false; outcome: ChangeOutcome }> {
    if (!ref) {
      return {
        ok: false,
        outcome: { kind: 'not-configured', message: `the ${what} is off: set ${key} in lifeline.yaml` },
      };
    }
    try {
      const workspace = deps.workspace();
      const value = await resolveSecret(ref, {
        baseDir: workspace.dir,
        ...(deps.env ? { env: deps.env } : {}),
      });
      return { ok: true, value };
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'it cannot be resolved';
      return { ok: false, outcome: { kind: 'unavailable', message: `the ${what} secret: ${reason}` } };
    }
  }

  return {
    record: (input) => save(input, input.source ?? 'api'),

    async list(query: ChangeListQuery): Promise<ChangePage> {
      return store.listChanges(
        {
          ...(query.integration !== undefined ? { integration: query.integration } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
    },

    async receiveWebhook(request: SignedChangeRequest): Promise<ChangeOutcome> {
      const settings = changeWebhookSettings(deps.workspace());
      const secret = await secretOf(settings?.secret, 'change webhook', 'changes.webhook.secret');
      if (!secret.ok) return secret.outcome;
      const verdict = verifyLifelineSignature(request, {
        secret: secret.value,
        now: () => clock.now(),
        ...(settings ? { replayWindowMs: settings.replayWindowMs } : {}),
      });
      if (!verdict.ok) return { kind: 'unauthorized', message: verdict.message };
      const parsed = parseChangeInput(request.body);
      if (!parsed.ok) return { kind: 'invalid', ...parsed.problem };
      // Without an id, the body is the identity: a sender retrying the same change records it once.
      const id = `webhook-${createHash('sha256').update(request.body).digest('hex').slice(0, 32)}`;
      return save(parsed.value, 'webhook', () => id);
    },

    async receiveGithub(request: GithubChangeRequest): Promise<ChangeOutcome> {
      const ref = githubWebhookSecret(deps.workspace());
      const secret = await secretOf(ref, 'GitHub webhook', 'changes.github.secret');
      if (!secret.ok) return secret.outcome;
      const verdict = verifyGithubSignature(request.body, request.signature, secret.value);
      if (!verdict.ok) return { kind: 'unauthorized', message: verdict.message };
      const payload = githubPayload(request);
      if (!payload.ok) return invalid('', payload.message);
      const mapped = mapDeploymentStatus(request.event, payload.value, request.target);
      switch (mapped.kind) {
        case 'ignored':
          return mapped;
        case 'invalid':
          return { kind: 'invalid', ...mapped.problem };
        case 'change':
          return recordChecked(mapped.change);
        default:
          return assertNever(mapped, 'GitHub mapping');
      }
    },
  };
}

/** GitHub sends JSON, or a form with the JSON in `payload` (the hook's "content type" setting). */
function githubPayload(
  request: GithubChangeRequest,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const form = /application\/x-www-form-urlencoded/i.test(request.contentType ?? '');
  const json = form ? new URLSearchParams(request.body).get('payload') : request.body;
  if (json === null) return { ok: false, message: 'the form has no payload field' };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
}

function invalid(field: string, message: string): ChangeOutcome {
  return { kind: 'invalid', field, message };
}

/** Changes read for one incident at most; a window with more links the newest of them. */
const MAX_LINK_READ = 5 * MAX_PAGE_LIMIT;

export interface ChangeLinkerDeps {
  store: Store;
  clock: Pick<Clock, 'now'>;
  workspace: () => Workspace;
  signal: AbortSignal;
}

/**
 * The changes of an incident, ranked (`rank-changes.ts`): those in [triggeredAt − look-back, resolvedAt or now].
 *
 * @example
 *   const linkChanges = createChangeLinker({ store, clock, workspace: () => ws, signal });
 *   (await linkChanges(incident))[0]; // the deploy of the incident's integration just before it triggered
 */
export function createChangeLinker(deps: ChangeLinkerDeps): (incident: Incident) => Promise<LinkedChange[]> {
  return async (incident) => {
    const lookBackMs = changeLookBackMs(deps.workspace());
    const until =
      incident.status === 'resolved' && incident.resolvedAt !== undefined
        ? incident.resolvedAt
        : deps.clock.now();
    const since = incident.triggeredAt - lookBackMs;
    const changes: ChangeRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.store.listChanges(
        { since, until: until + 1, limit: MAX_PAGE_LIMIT, ...(cursor !== undefined ? { cursor } : {}) },
        { signal: deps.signal },
      );
      changes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && changes.length < MAX_LINK_READ);
    return rankChanges(
      {
        integration: incident.integration,
        components: incident.affected.dependents,
        ownerTeam: incident.ownerTeam,
        triggeredAt: incident.triggeredAt,
      },
      changes,
      { lookBackMs, until },
    );
  };
}
