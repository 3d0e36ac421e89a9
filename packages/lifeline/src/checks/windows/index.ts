/**
 * Rolling windows over check results (per check, per integration): latency percentiles, error rate and counts
 * by failure class over the last minutes, from HdrHistogram time slices. See `window-store.ts`.
 */
export {
  DEFAULT_RETENTION_MS,
  DEFAULT_SLICE_MS,
  WindowStore,
  checkWindowKey,
  integrationWindowKey,
  type WindowSnapshot,
  type WindowStoreOptions,
  type WindowStoreStats,
} from './window-store.js';
export { MAX_LATENCY_MS, PROMOTE_AT } from './time-slice.js';
