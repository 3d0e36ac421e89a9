/**
 * Counts the requests each vendor received, per route template (`POST /payments/v1/charges`), counted on
 * arrival, before any fault, so tests can assert how often a client retried, including attempts that
 * were answered 429/503 or left hanging.
 */
import type { VendorName } from './faults.js';

/** Route key used for requests under a vendor's prefix that match no route. */
export const UNMATCHED_ROUTE = '(unmatched)';

export type RequestCounts = Record<VendorName, Record<string, number>>;

export class RequestCounter {
  #counts = new Map<VendorName, Map<string, number>>();

  /** `route` is `METHOD /template`, e.g. `GET /payments/v1/charges/:id`. */
  record(vendor: VendorName, route: string): void {
    let routes = this.#counts.get(vendor);
    if (routes === undefined) {
      routes = new Map();
      this.#counts.set(vendor, routes);
    }
    routes.set(route, (routes.get(route) ?? 0) + 1);
  }

  /**
   * Requests received by `vendor`, on one route when given, in total otherwise.
   *
   * @example
   * sandbox.requests.count('payments', 'POST /payments/v1/charges') // 3 after two retries
   */
  count(vendor: VendorName, route?: string): number {
    const routes = this.#counts.get(vendor);
    if (routes === undefined) return 0;
    if (route !== undefined) return routes.get(route) ?? 0;
    let total = 0;
    for (const value of routes.values()) total += value;
    return total;
  }

  snapshot(): RequestCounts {
    const result: RequestCounts = { payments: {}, shipping: {}, identity: {} };
    for (const [vendor, routes] of this.#counts) result[vendor] = Object.fromEntries(routes);
    return result;
  }

  clear(): void {
    this.#counts.clear();
  }
}
