/**
 * The engine's public API: the pure `decide` function, the compiled config it reads, the state and event types,
 * and the queries the shell needs to schedule timers and answer the API.
 */
export { decide, decideChanges } from './decide.js';
export { applyChanges } from './changes.js';
export {
  compileEngineConfig,
  mayAct,
  membersOf,
  DEFAULT_AT_RISK_FRACTION,
  DEFAULT_REOPEN_WINDOW_MS,
  type EngineConfig,
  type EngineOptions,
  type EngineWorkspace,
} from './config.js';
export {
  emptyState,
  groupOpenIncidents,
  incidentById,
  openIncidents,
  type OpenIncidentGroups,
} from './state.js';
export { dueTimers, nextTimer } from './timers.js';
export { httpStatusOf } from './outcomes.js';
export { renderTemplate, templateVars, STANDARD_PLACEHOLDERS } from './templates.js';
export { targetTimes, TARGET_KINDS } from './response-targets.js';
export { cyclePeriod, audienceOf, MIN_CYCLE_MS } from './escalation.js';
export { openIncidentFor, matchSignature } from './signature-index.js';
export { stateViolations, transitionViolations } from './invariants.js';
export { REMEDIATION_ACTIONS } from './run-state.js';
export { assertNever } from './assert-never.js';
export { planPlaybook, stepLocator, type Plan, type PlanResult, type PlanDiagnostic } from './plan/index.js';
export type * from './types.js';
export { ENGINE_ACTOR } from './types.js';
