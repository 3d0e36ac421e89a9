/**
 * Lifeline's public API for programs: load a workspace, read its typed model, build the service map.
 */
export {
  loadWorkspace,
  findRootFile,
  type LoadOptions,
  type LoadResult,
} from './workspace/load-workspace.js';
export type * from './workspace/model.js';
export { checksOf, DEFAULT_SEVERITIES } from './workspace/model.js';
export type { Diagnostic, DiagnosticCode, DiagnosticSeverity } from './workspace/diagnostics.js';
export { resolveSecret } from './workspace/resolve-secret.js';
export type { SecretReference } from './workspace/values.js';
export { buildServiceMap, type ServiceMap } from './catalog/service-map.js';
export type { CheckResult, FailureClass, DriftEntry, CheckKind } from './checks/check-result.js';
export { ConfigError, CredentialError, NonRetriableError, RetryAfterError } from './errors.js';
