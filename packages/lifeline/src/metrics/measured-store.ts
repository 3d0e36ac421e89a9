/**
 * The Store port with every call timed: a Proxy in front of any adapter that reports each method's duration
 * (wall time, resolved or rejected) under the method's name. A Proxy rather than a class repeating every
 * method, so a method added to the port is measured without touching this file; the operation names stay
 * bounded by the port's methods.
 *
 * @example
 *   const store = measureStore(await openSqliteStore({ path }), (operation, seconds) => …);
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/index.js';

export type StoreObserver = (operation: string, seconds: number) => void;

export function measureStore(store: Store, observe: StoreObserver): Store {
  const wrapped = new Map<string, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const known = wrapped.get(property);
      if (known) return known;
      const method = value as (...args: unknown[]) => unknown;
      const timed = (...args: unknown[]): unknown => {
        const started = performance.now();
        const done = () => observe(property, (performance.now() - started) / 1000);
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          done();
          throw error;
        }
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      };
      wrapped.set(property, timed);
      return timed;
    },
  });
}
