// Similar past incidents: ranked by likeness, resolved ones only, with what resolved them; read from a real store.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAcme } from '../engine/acme-fixture.js';
import { compileEngineConfig, type EngineConfig, type Incident } from '../engine/index.js';
import { EngineHarness, HOUR, MINUTE } from '../engine/test-support.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { createSimilarLinker, rankSimilar } from './similar-incidents.js';
import { incidentRecord } from './state-records.js';

let config: EngineConfig;
beforeAll(async () => {
  config = compileEngineConfig(await loadAcme(), { reopenWindowMs: 30 * MINUTE });
});

/** Incidents of the acme example: two resolved latency ones (same signature), one resolved drift, one open. */
function history(): { engine: EngineHarness; incidents: Incident[] } {
  const engine = new EngineHarness(config);
  const fire = (playbookId: string, signature: string, checks: string[]) =>
    engine.send({ kind: 'signal-fired', playbookId, signature, checks });
  fire('payments-latency', 'sig-latency', ['payments-charges-up']);
  engine.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice', text: 'the PSP fixed a node' });
  engine.advance(2 * HOUR);
  fire('payments-schema-drift', 'sig-drift', ['payments-charges-schema']);
  engine.send({ kind: 'resolve', incidentId: 'INC-2', actor: 'bob' });
  engine.advance(2 * HOUR);
  fire('payments-latency', 'sig-latency', ['payments-charges-up']);
  engine.send({ kind: 'resolve', incidentId: 'INC-3', actor: 'alice', text: 'failover to the EU region' });
  engine.advance(2 * HOUR);
  fire('payments-latency', 'sig-latency', ['payments-charges-up']);
  return { engine, incidents: Object.values(engine.state.incidents) };
}

describe('rankSimilar', () => {
  it('lists resolved incidents of the same signature first, newest first, with how they were resolved', () => {
    const { engine, incidents } = history();
    const current = engine.incident('INC-4');
    const similar = rankSimilar(current, incidents);
    expect(similar.map((s) => [s.id, s.match])).toEqual([
      ['INC-3', 'same-signature'],
      ['INC-1', 'same-signature'],
    ]);
    expect(similar[0]).toMatchObject({
      resolution: { by: 'alice', automatic: false, note: 'failover to the EU region' },
      durationMs: 0,
    });
  });

  it('ranks the same playbook and overlapping checks after the same signature, and never the open ones', () => {
    const { incidents } = history();
    const probe = (over: Partial<Incident>): Incident => ({ ...incidents[0]!, id: 'INC-99', ...over });
    const byPlaybook = rankSimilar(probe({ signature: 'other', status: 'triggered' }), incidents);
    expect(byPlaybook.map((s) => [s.id, s.match])).toEqual([
      ['INC-3', 'same-playbook'],
      ['INC-1', 'same-playbook'],
    ]);
    const byChecks = rankSimilar(
      probe({ signature: 'other', playbookId: 'elsewhere', checks: ['payments-charges-schema'] }),
      incidents,
    );
    expect(byChecks.map((s) => [s.id, s.match])).toEqual([['INC-2', 'same-checks']]);
    expect(rankSimilar(probe({ integration: 'shipping' }), incidents)).toEqual([]);
  });
});

describe('createSimilarLinker', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('reads the integration’s resolved incidents from the store', async () => {
    const { engine, incidents } = history();
    store = await openSqliteStore({ path: ':memory:' });
    await store.applyDecision({ incidents: incidents.map((i) => incidentRecord(i, engine.now)) });
    const similar = await createSimilarLinker({ store, signal: new AbortController().signal })(
      engine.incident('INC-4'),
    );
    expect(similar.map((s) => s.id)).toEqual(['INC-3', 'INC-1']);
    expect(similar[1]?.resolution?.note).toBe('the PSP fixed a node');
  });
});
