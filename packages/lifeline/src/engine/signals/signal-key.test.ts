// Keys of persisted signal states: the documented shapes, and that every key parses back to its owner.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../workspace/schema/primitives.js';
import { criteriaKey, parseSignalKey, signalKey, type SignalOwner } from './signal-key.js';

describe('signal keys', () => {
  it('name the playbook, the role and the index, or the step and its use', () => {
    expect(signalKey({ kind: 'criteria', playbook: 'payments-latency', role: 'trigger', index: 0 })).toBe(
      'payments-latency/trigger/0',
    );
    expect(signalKey({ kind: 'step', playbook: 'payments-latency', step: 'recovered', use: 'until' })).toBe(
      'payments-latency/step/recovered/until',
    );
    expect(criteriaKey('payments-latency', 'success')).toBe('payments-latency/success');
  });

  it('reject what signalKey cannot produce', () => {
    for (const key of [
      '',
      'p',
      'p/trigger',
      'p/trigger/01',
      'p/trigger/-1',
      'p/other/0',
      'p/step/s/x',
      'p/step//until',
    ]) {
      expect(parseSignalKey(key)).toBeUndefined();
    }
  });

  it('parse back to their owner for any ids', () => {
    const id = fc.stringMatching(new RegExp(ID_PATTERN));
    const owner: fc.Arbitrary<SignalOwner> = fc.oneof(
      fc.record({
        kind: fc.constant('criteria' as const),
        playbook: id,
        role: fc.constantFrom('trigger' as const, 'success' as const, 'rollback' as const),
        index: fc.nat(1000),
      }),
      fc.record({
        kind: fc.constant('step' as const),
        playbook: id,
        step: id,
        use: fc.constantFrom('until' as const, 'if' as const, 'guard' as const),
      }),
    );
    fc.assert(
      fc.property(owner, (o) => {
        expect(parseSignalKey(signalKey(o))).toEqual(o);
      }),
      { numRuns: 300 },
    );
  });
});
