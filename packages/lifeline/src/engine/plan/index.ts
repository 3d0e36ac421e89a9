/**
 * Playbook plans: what a playbook would do if its trigger fired now (driven through the real engine with a fake
 * clock) and the static checks that find what in it cannot work. Used by `lifeline playbook plan`.
 */
export { planPlaybook, DEFAULT_MAX_PATHS, type PlanResult } from './plan-playbook.js';
export { stepLocator } from './locate-steps.js';
export type * from './plan-types.js';
