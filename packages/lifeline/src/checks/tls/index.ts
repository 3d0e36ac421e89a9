/**
 * The tls check's public API: the `tls` check kind, and the handshake inspection and verdict it is built from
 * (reusable by the CLI or a proxy that wants to describe a server certificate).
 */
export { tlsCheck, tlsTarget, DEFAULT_MIN_DAYS_LEFT, type TlsTarget } from './tls-check.js';
export {
  inspectTls,
  type InspectTlsOptions,
  type PeerCertificate,
  type TlsHandshake,
  type TlsInspection,
} from './tls-inspect.js';
export { tlsVerdict, tlsSummary, type TlsVerdictInput } from './tls-verdict.js';
export { inspectClientCertificate, type ClientCertificateStatus } from './client-certificate.js';
export { certificateValidity, DAY_MS, type CertificateValidity } from './certificate-validity.js';
