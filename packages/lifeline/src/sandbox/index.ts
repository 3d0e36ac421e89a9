/**
 * The sandbox vendor: a realistic fake of three third-party APIs (payments, shipping, identity) over HTTP
 * and HTTPS with faults switchable at run time, for the quickstart, the tests and fault drills, offline.
 * Also the certificate helpers other tests use to craft TLS servers.
 */
export {
  type RunningSandbox,
  type SandboxCertificateOptions,
  type SandboxRequestLog,
  type StartSandboxOptions,
  startSandbox,
} from './sandbox.js';
export {
  type CertificateAuthority,
  type CreateCertificateAuthorityOptions,
  type IssueCertificateOptions,
  type IssuedCertificate,
  createCertificateAuthority,
  issueCertificate,
} from './certificates.js';
export {
  DEFAULT_ERROR_STATUS,
  type FaultsByVendor,
  type ParseResult,
  type RateLimitFault,
  SCHEMA_VARIANTS,
  SandboxFaultError,
  type SchemaVariant,
  VENDOR_NAMES,
  type VendorFaults,
  type VendorFaultsPatch,
  type VendorName,
  isVendorName,
  mergeFaults,
  parseFaultsPatch,
} from './faults.js';
export {
  FaultController,
  type FaultControllerOptions,
  type FaultDecision,
  seededRandom,
} from './fault-controller.js';
export { SCHEMA_MUTATIONS, type SchemaMutation, applySchemaVariant } from './schema-variants.js';
export { RequestCounter, type RequestCounts, UNMATCHED_ROUTE } from './request-counter.js';
export { SANDBOX_CREDENTIALS } from './credentials.js';
export { type ControlApiDependencies, registerControlApi } from './control-api.js';
export {
  type VendorContext,
  type VendorDefinition,
  type VendorErrorCode,
  type VendorReply,
  registerVendor,
} from './vendor.js';
export {
  type Charge,
  type ChargeStatus,
  type Currency,
  CURRENCIES,
  seedCharges,
} from './vendors/payments-data.js';
export { type Label, shippingVendor } from './vendors/shipping.js';
export {
  type Carrier,
  type CarrierCode,
  CARRIERS,
  type Rate,
  type RateRequest,
  quote,
} from './vendors/shipping-rates.js';
export { SEED_USERS, SERVICE_ACCOUNT, type User, type UserRole, identityVendor } from './vendors/identity.js';
export { paymentsVendor } from './vendors/payments.js';
export { SUPPORTED_SCOPES, TOKEN_LIFETIME_SECONDS } from './vendors/oauth-token-endpoint.js';
export { Inbox, registerInbox, type InboxMessage } from './inbox.js';
