/**
 * Fault vocabulary and decisions without servers: validation collects every problem, patches merge, error
 * draws are reproducible from a seed, and rate-limit windows follow the injected clock.
 */
import { describe, expect, it } from 'vitest';
import { FaultController, seededRandom } from './fault-controller.js';
import { SandboxFaultError, mergeFaults, parseFaultsPatch } from './faults.js';
import { SCHEMA_MUTATIONS, applySchemaVariant } from './schema-variants.js';

describe('parseFaultsPatch', () => {
  it('accepts every fault kind and null to clear one', () => {
    const result = parseFaultsPatch({
      latencyMs: 250,
      errorRate: 0.5,
      errorStatus: 500,
      seed: 42,
      rateLimit: { burst: 3, retryAfterSeconds: 10 },
      rejectCredentials: true,
      schema: 'field-null',
      hang: false,
    });
    expect(result.ok).toBe(true);
    expect(parseFaultsPatch({ schema: null })).toEqual({ ok: true, value: { schema: null } });
  });

  it('collects every problem at once with a message naming the field', () => {
    const result = parseFaultsPatch({
      latency: 5,
      latencyMs: -1,
      errorRate: 2,
      errorStatus: 200,
      rateLimit: { burst: 'x', retryAfterSeconds: 0, window: 1 },
      schema: 'field-renamed',
      hang: 'yes',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "unknown fault 'latency' (known: latencyMs, errorRate, errorStatus, seed, rateLimit, rejectCredentials, schema, hang)",
      'latencyMs must be an integer from 0 to 600000',
      'errorRate must be a number from 0 to 1',
      'errorStatus must be an HTTP status from 400 to 599',
      'rateLimit.window is not a known field',
      'rateLimit.burst must be an integer from 0 to 1000000',
      'rateLimit.retryAfterSeconds must be an integer from 1 to 86400',
      'schema must be one of field-removed, field-retyped, field-null, new-enum-value',
      'hang must be true or false',
    ]);
  });

  it('refuses anything but an object', () => {
    for (const input of [null, [], 'slow', 3]) expect(parseFaultsPatch(input).ok).toBe(false);
  });
});

describe('mergeFaults', () => {
  it('keeps absent fields, replaces present ones and drops null or false ones', () => {
    const merged = mergeFaults(
      { latencyMs: 100, schema: 'field-null', hang: true },
      { latencyMs: 200, schema: null, hang: false, errorRate: 0.1 },
    );
    expect(merged).toEqual({ latencyMs: 200, errorRate: 0.1 });
  });
});

describe('FaultController', () => {
  it('passes every request when no fault is set', () => {
    const controller = new FaultController({ seed: 1, now: () => 0 });
    expect(controller.decide('payments')).toEqual({ kind: 'pass', delayMs: 0 });
  });

  it('throws SandboxFaultError with the problems on bad input', () => {
    const controller = new FaultController({ seed: 1, now: () => 0 });
    expect(() => controller.set('payments', { errorRate: 7 })).toThrow(SandboxFaultError);
    try {
      controller.set('payments', { errorRate: 7 });
    } catch (error) {
      expect((error as SandboxFaultError).name).toBe('SandboxFaultError');
      expect((error as SandboxFaultError).problems).toEqual(['errorRate must be a number from 0 to 1']);
    }
  });

  it('answers errors for about errorRate of requests, the same ones for the same seed', () => {
    const outcomes = (seed: number): string[] => {
      const controller = new FaultController({ seed: 99, now: () => 0 });
      controller.set('shipping', { errorRate: 0.3, seed });
      return Array.from({ length: 1000 }, () => controller.decide('shipping').kind);
    };
    const first = outcomes(7);
    expect(outcomes(7)).toEqual(first);
    expect(outcomes(8)).not.toEqual(first);
    const errors = first.filter((kind) => kind === 'error').length;
    expect(errors).toBeGreaterThan(250);
    expect(errors).toBeLessThan(350);
  });

  it('uses errorStatus, default 503', () => {
    const controller = new FaultController({ seed: 1, now: () => 0 });
    controller.set('identity', { errorRate: 1 });
    expect(controller.decide('identity')).toEqual({ kind: 'error', delayMs: 0, status: 503 });
    controller.set('identity', { errorStatus: 502, latencyMs: 20 });
    expect(controller.decide('identity')).toEqual({ kind: 'error', delayMs: 20, status: 502 });
  });

  it('limits to burst requests per window and reopens when the window ends', () => {
    let now = 1_000_000;
    const controller = new FaultController({ seed: 1, now: () => now });
    controller.set('payments', { rateLimit: { burst: 2, retryAfterSeconds: 10 } });
    expect(controller.decide('payments').kind).toBe('pass');
    expect(controller.decide('payments').kind).toBe('pass');
    expect(controller.decide('payments')).toEqual({
      kind: 'rate-limited',
      delayMs: 0,
      retryAfterSeconds: 10,
    });
    now += 7_500;
    expect(controller.decide('payments')).toEqual({ kind: 'rate-limited', delayMs: 0, retryAfterSeconds: 3 });
    now += 2_500;
    expect(controller.decide('payments').kind).toBe('pass');
    // Other vendors are untouched.
    expect(controller.decide('shipping').kind).toBe('pass');
  });

  it('puts hang before credentials before rate limits before errors', () => {
    const controller = new FaultController({ seed: 1, now: () => 0 });
    controller.set('payments', { errorRate: 1, rateLimit: { burst: 0, retryAfterSeconds: 5 } });
    expect(controller.decide('payments').kind).toBe('rate-limited');
    controller.set('payments', { rejectCredentials: true });
    expect(controller.decide('payments').kind).toBe('reject-credentials');
    controller.set('payments', { hang: true });
    expect(controller.decide('payments').kind).toBe('hang');
    controller.reset();
    expect(controller.all()).toEqual({ payments: {}, shipping: {}, identity: {} });
  });

  it('draws from a stable generator', () => {
    const random = seededRandom(123);
    const values = [random(), random(), random()];
    const again = seededRandom(123);
    expect([again(), again(), again()]).toEqual(values);
    for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
  });
});

describe('schema variants', () => {
  it('rewrites a copy, never the stored item', () => {
    const charge = { id: 'ch_1', amount: 100, currency: 'usd', status: 'succeeded' };
    const drifted = applySchemaVariant('payments', 'field-removed', charge);
    expect(drifted).toEqual({ id: 'ch_1', amount: 100, status: 'succeeded' });
    expect(charge.currency).toBe('usd');
    expect(applySchemaVariant('payments', undefined, charge)).toBe(charge);
  });

  it('documents a pointer for every vendor and variant', () => {
    for (const variants of Object.values(SCHEMA_MUTATIONS)) {
      for (const mutation of Object.values(variants))
        expect(mutation.pointer).toMatch(/^\/[a-z_A-Z]+(\/\w+)?$/);
    }
  });
});
