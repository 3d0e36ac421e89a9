// Response targets on a fake clock: at-risk and breach timeline events at the right times, the severity raise,
// and what meets each target.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace/model.js';
import { loadAcme } from './acme-fixture.js';
import { compileEngineConfig, type EngineConfig } from './config.js';
import { decide } from './decide.js';
import { targetTimes } from './response-targets.js';
import { emptyState } from './state.js';
import { EngineHarness, HOUR, MINUTE, T0, deepFreeze } from './test-support.js';
import type { Incident } from './types.js';

let workspace: Workspace;
let config: EngineConfig;
beforeAll(async () => {
  workspace = await loadAcme();
  config = compileEngineConfig(workspace);
});

function openLatency(): EngineHarness {
  const h = new EngineHarness(config);
  h.send({
    kind: 'signal-fired',
    playbookId: 'payments-latency',
    signature: 'slow',
    values: { value: '1.4s' },
  });
  return h;
}

/** Timeline entries about targets, as [minute, kind, target]. */
function targetEvents(incident: Incident): [number, string, string | undefined][] {
  return incident.timeline
    .filter((e) => ['target-at-risk', 'target-breached', 'severity-changed'].includes(e.kind))
    .map((e) => [(e.at - T0) / MINUTE, e.kind, e.target]);
}

describe('response targets', () => {
  it('records at-risk at 80 % and the breach at 100 %, raising SEV2 to SEV1 once', () => {
    const h = openLatency();
    h.advance(2 * HOUR);
    expect(targetEvents(h.incident())).toEqual([
      [12, 'target-at-risk', 'acknowledge'],
      [15, 'target-breached', 'acknowledge'],
      [15, 'severity-changed', 'acknowledge'],
      [48, 'target-at-risk', 'firstAction'],
      [60, 'target-breached', 'firstAction'],
    ]);
    const incident = h.incident();
    expect(incident.severity).toBe('SEV1');
    expect(incident.severityRaisedBy).toEqual(['acknowledge']);
    expect(incident.targets.map((t) => [t.kind, t.status, t.breachedAt])).toEqual([
      ['acknowledge', 'breached', T0 + 15 * MINUTE],
      ['firstAction', 'breached', T0 + 60 * MINUTE],
      ['resolve', 'pending', undefined],
    ]);
  });

  it('breaches the resolve target after 8 hours', () => {
    const h = openLatency();
    h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' });
    h.advance(9 * HOUR);
    const resolve = targetEvents(h.incident()).filter(([, , target]) => target === 'resolve');
    expect(resolve).toEqual([
      [6.4 * 60, 'target-at-risk', 'resolve'],
      [8 * 60, 'target-breached', 'resolve'],
    ]);
  });

  it('is met by an acknowledgement in time: no at-risk, no breach, no raise', () => {
    const h = openLatency();
    h.advance(10 * MINUTE);
    h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'bob' });
    h.advance(20 * MINUTE);
    const ack = h.incident().targets.find((t) => t.kind === 'acknowledge');
    expect(ack).toMatchObject({ status: 'met', metAt: T0 + 10 * MINUTE });
    expect(targetEvents(h.incident())).toEqual([]);
    expect(h.incident().severity).toBe('SEV2');
  });

  it('meets first action when the first remediation step starts, not when a check runs', () => {
    const h = openLatency();
    expect(h.incident().firstActionAt).toBeUndefined();
    h.advance(5 * MINUTE);
    h.send({
      kind: 'step-result',
      incidentId: 'INC-1',
      run: 1,
      stepId: 'confirm',
      attempt: 1,
      outcome: 'succeeded',
    });
    expect(h.incident().firstActionAt).toBe(T0 + 5 * MINUTE);
    expect(h.incident().targets.find((t) => t.kind === 'firstAction')?.status).toBe('met');
  });

  it('meets first action when a human marks an attempt', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-credential-revoked', signature: 'key' });
    h.advance(3 * MINUTE);
    expect(
      h.send({ kind: 'mark-attempt', incidentId: 'INC-1', actor: 'alice', text: 'new key issued' }).outcome,
    ).toEqual({
      kind: 'ok',
    });
    expect(h.incident().firstActionAt).toBe(T0 + 3 * MINUTE);
    h.advance(HOUR);
    expect(targetEvents(h.incident()).filter(([, , t]) => t === 'firstAction')).toEqual([]);
  });

  it('decides a late acknowledgement as late even when the breach timer was never delivered', () => {
    const opened = decide(
      config,
      emptyState(),
      { kind: 'signal-fired', playbookId: 'payments-latency', signature: 's' },
      T0,
    );
    const late = decide(
      config,
      deepFreeze(opened.state),
      { kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' },
      T0 + 20 * MINUTE,
    );
    const incident = late.state.incidents['INC-1']!;
    expect(incident.targets[0]).toMatchObject({
      status: 'breached',
      breachedAt: T0 + 15 * MINUTE,
      metAt: T0 + 20 * MINUTE,
    });
    // The breach pages level 2 first; then everyone paged hears of the acknowledgement.
    expect(late.effects.map((e) => e.id)).toEqual(['INC-1:notify:1:0:1', 'INC-1:notify:1:acknowledged']);
    const kinds = incident.timeline.map((e) => e.kind);
    expect(kinds.indexOf('target-breached')).toBeLessThan(kinds.indexOf('acknowledged'));
  });

  it('restarts the targets from the reopen time', () => {
    const h = openLatency();
    h.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice' });
    h.advance(10 * MINUTE);
    h.send({ kind: 'signal-fired', playbookId: 'payments-latency', signature: 'slow' });
    const ack = h.incident().targets.find((t) => t.kind === 'acknowledge');
    expect(ack).toMatchObject({ startedAt: T0 + 10 * MINUTE, dueAt: T0 + 25 * MINUTE, status: 'pending' });
  });
});

describe('targets from the severities', () => {
  it('fills in the SEV1–SEV3 defaults where a severity sets none', () => {
    const custom = compileEngineConfig({
      ...workspace,
      severities: [
        { id: 'SEV1', name: 'Critical', respond: { acknowledge: MINUTE } },
        { id: 'SEV2', name: 'Major' },
        { id: 'SEV4', name: 'Cosmetic' },
      ],
    });
    expect(custom.severities.get('SEV1')?.respond).toEqual({
      acknowledge: MINUTE,
      firstAction: 15 * MINUTE,
      resolve: 4 * HOUR,
    });
    expect(custom.severities.get('SEV2')?.respond).toEqual({
      acknowledge: 15 * MINUTE,
      firstAction: HOUR,
      resolve: 8 * HOUR,
    });
    expect(custom.severities.get('SEV4')?.respond).toEqual({});
  });

  it('computes at-risk and breach times', () => {
    expect(targetTimes(1000, 15 * MINUTE, 0.8)).toEqual({
      atRiskAt: 1000 + 12 * MINUTE,
      dueAt: 1000 + 15 * MINUTE,
    });
  });
});
