/**
 * Turns what a TLS inspection saw (and, for mTLS, what the client certificate says) into a check outcome with
 * one precise line for a responder. Pure: no network, no clock of its own, so every verdict is unit-tested.
 *
 * Order matters, because one outcome names one problem: a client certificate that is already unusable, then
 * anything that stopped the handshake, then what makes the server certificate unacceptable today (expired,
 * not yet valid, untrusted, wrong name, old protocol), then what will fail soon (days left below the minimum).
 */
import type { CheckOutcome } from '../check-kind.js';
import type { TlsSummary } from '../check-result.js';
import type { ClientCertificateStatus } from './client-certificate.js';
import { DAY_MS } from './certificate-validity.js';
import type { TlsHandshake, TlsInspection } from './tls-inspect.js';

export interface TlsVerdictInput {
  /** Where the inspection connected, for messages. */
  host: string;
  port: number;
  inspection: TlsInspection;
  /** Fewer whole days left than this fails the check. */
  minDaysLeft: number;
  /** Present for mTLS integrations. */
  clientCertificate?: ClientCertificateStatus;
  now: number;
}

/** Protocols a check refuses even when a handshake managed to negotiate them. */
const OUTDATED_PROTOCOLS = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

/** OpenSSL verification codes in words; the sentence completes `certificate is not trusted: …`. */
const TRUST_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed root that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issued by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'issued by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'issued by an unknown authority, or the server sends an incomplete chain',
  CERT_SIGNATURE_FAILURE: 'its signature does not verify',
  CERT_REVOKED: 'revoked',
  CERT_UNTRUSTED: 'rejected by the trust store',
  CERT_REJECTED: 'rejected by the trust store',
  INVALID_CA: 'a certificate in its chain is not a valid CA',
  CERT_CHAIN_TOO_LONG: 'its chain is too long',
  // The leaf's own dates are judged before trust, so these concern an intermediate or the root.
  CERT_HAS_EXPIRED: 'a certificate in its chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in its chain is not yet valid',
  EE_KEY_TOO_SMALL: 'its key is too small',
  CA_KEY_TOO_SMALL: 'a key in its chain is too small',
  CA_MD_TOO_WEAK: 'a signature in its chain uses a weak digest',
};

/**
 * @example
 * tlsVerdict({ host: 'api.example.com', port: 443, inspection, minDaysLeft: 14, now: Date.now() })
 * // { class: 'tls', message: 'expires in 5 days (2026-12-03); renew before 14 days are left', … }
 */
export function tlsVerdict(input: TlsVerdictInput): CheckOutcome {
  const client = input.clientCertificate;
  const { inspection } = input;
  const tls = inspection.kind === 'handshake' ? { tls: tlsSummary(inspection) } : {};

  const clientFailure = client === undefined ? undefined : clientCertificateFailure(client, input.now);
  if (clientFailure !== undefined) return { ...clientFailure, ...tls };
  if (inspection.kind !== 'handshake') return connectionFailure(input, inspection);

  const serverFailure = serverCertificateFailure(inspection, input.now);
  if (serverFailure !== undefined) return { ...serverFailure, ...tls };

  const { certificate } = inspection;
  const expiry = `(${day(certificate.validTo)})`;
  if (certificate.daysLeft < input.minDaysLeft) {
    return {
      class: 'tls',
      message: `expires ${inDays(certificate.daysLeft)} ${expiry}; ${renewBefore(input.minDaysLeft)}`,
      errorCode: 'CERT_EXPIRES_SOON',
      ...tls,
    };
  }
  if (client?.kind === 'parsed' && client.daysLeft < input.minDaysLeft) {
    return {
      class: 'tls',
      message:
        `client certificate ${clientName(client)} expires ${inDays(client.daysLeft)} (${day(client.validTo)}); ` +
        renewBefore(input.minDaysLeft),
      errorCode: 'CLIENT_CERT_EXPIRES_SOON',
      ...tls,
    };
  }
  return { class: 'ok', message: `expires ${inDays(certificate.daysLeft)} ${expiry}`, ...tls };
}

export function tlsSummary(handshake: TlsHandshake): TlsSummary {
  const { certificate } = handshake;
  return {
    daysLeft: certificate.daysLeft,
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
    issuer: certificate.issuer,
    subject: certificate.subject,
    selfSigned: certificate.selfSigned,
    trusted: handshake.trusted,
    hostnameMatches: handshake.hostnameMatches,
    ...(handshake.protocol === undefined ? {} : { protocol: handshake.protocol }),
  };
}

function serverCertificateFailure(handshake: TlsHandshake, now: number): CheckOutcome | undefined {
  const { certificate, hostname } = handshake;
  if (certificate.expired) {
    return {
      class: 'tls',
      message: `certificate for ${hostname} expired ${daysAgo(certificate.validTo, now)} (${day(certificate.validTo)})`,
      errorCode: 'CERT_HAS_EXPIRED',
    };
  }
  if (certificate.notYetValid) {
    return {
      class: 'tls',
      message: `certificate for ${hostname} is not valid before ${day(certificate.validFrom)}`,
      errorCode: 'CERT_NOT_YET_VALID',
    };
  }
  if (!handshake.trusted) {
    const code = handshake.authorizationError ?? 'CERT_UNTRUSTED';
    const reason = TRUST_REASONS[code] ?? code;
    const issuer = certificate.selfSigned ? '' : ` (issuer: ${certificate.issuer})`;
    return { class: 'tls', message: `certificate is not trusted: ${reason}${issuer}`, errorCode: code };
  }
  if (!handshake.hostnameMatches) {
    return {
      class: 'tls',
      message: `hostname ${hostname} does not match the certificate (names: ${certificate.names.join(', ')})`,
      errorCode: handshake.hostnameError ?? 'ERR_TLS_CERT_ALTNAME_INVALID',
    };
  }
  if (handshake.protocol !== undefined && OUTDATED_PROTOCOLS.has(handshake.protocol)) {
    return {
      class: 'tls',
      message: `server negotiated ${handshake.protocol}; TLSv1.2 or newer is required`,
      errorCode: 'TLS_PROTOCOL_OUTDATED',
    };
  }
  return undefined;
}

function clientCertificateFailure(client: ClientCertificateStatus, now: number): CheckOutcome | undefined {
  if (client.kind === 'unusable') {
    return {
      class: 'tls',
      message: `client certificate ${client.label} ${client.reason}`,
      errorCode: client.errorCode,
    };
  }
  if (client.expired) {
    return {
      class: 'tls',
      message: `client certificate ${clientName(client)} expired ${daysAgo(client.validTo, now)} (${day(client.validTo)})`,
      errorCode: 'CLIENT_CERT_HAS_EXPIRED',
    };
  }
  if (client.notYetValid) {
    return {
      class: 'tls',
      message: `client certificate ${clientName(client)} is not valid before ${day(client.validFrom)}`,
      errorCode: 'CLIENT_CERT_NOT_YET_VALID',
    };
  }
  return undefined;
}

function connectionFailure(
  input: TlsVerdictInput,
  inspection: Exclude<TlsInspection, TlsHandshake>,
): CheckOutcome {
  const target = `${input.host}:${input.port}`;
  switch (inspection.kind) {
    case 'unreachable':
      return {
        class: 'unreachable',
        message: `${unreachableText(inspection.errorCode, input.host, target)} (${inspection.errorCode})`,
        errorCode: inspection.errorCode,
      };
    case 'timeout':
      return inspection.phase === 'connect'
        ? {
            class: 'timeout',
            message: `no connection to ${target} within ${inspection.timeoutMs}ms`,
            errorCode: 'ETIMEDOUT',
          }
        : {
            class: 'timeout',
            message: `connected to ${target}, but the TLS handshake did not complete within ${inspection.timeoutMs}ms`,
            errorCode: 'ERR_TLS_HANDSHAKE_TIMEOUT',
          };
    case 'aborted':
      return {
        class: 'timeout',
        message: `TLS inspection of ${target} was aborted during the ${inspection.phase}`,
        errorCode: 'ABORT_ERR',
      };
    case 'handshake-failed':
      return {
        class: 'tls',
        message: `TLS handshake with ${target} failed: ${handshakeText(inspection.errorCode, inspection.reason)}`,
        errorCode: inspection.errorCode,
      };
  }
}

function unreachableText(code: string, host: string, target: string): string {
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `cannot resolve ${host}`;
    case 'ECONNREFUSED':
      return `connection to ${target} refused`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection to ${target} was reset`;
    default:
      return `cannot connect to ${target}`;
  }
}

function handshakeText(code: string, reason: string): string {
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return 'the server did not answer with TLS (is this a plain HTTP port?)';
  }
  if (/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE/.test(code)) {
    return 'no common protocol version; the server may only offer protocols older than TLSv1.2';
  }
  if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|CERTIFICATE_EXPIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN/.test(code)) {
    return `the server rejected the client certificate (${reason})`;
  }
  if (/KEY_VALUES_MISMATCH/.test(code)) return 'the client certificate and key do not match';
  return reason === '' ? code : reason;
}

function clientName(client: Extract<ClientCertificateStatus, { kind: 'parsed' }>): string {
  return `${client.label} (${client.subject})`;
}

function renewBefore(minDaysLeft: number): string {
  return `renew before ${plural(minDaysLeft, 'day')} ${minDaysLeft === 1 ? 'is' : 'are'} left`;
}

/** Future, from whole days left: `in 5 days`, `in 1 day`, `in less than a day`. */
function inDays(daysLeft: number): string {
  return daysLeft <= 0 ? 'in less than a day' : `in ${plural(daysLeft, 'day')}`;
}

/** Past, from the moment it happened: `3 days ago`, `less than a day ago`. */
function daysAgo(iso: string, now: number): string {
  const days = Math.floor((now - Date.parse(iso)) / DAY_MS);
  return days <= 0 ? 'less than a day ago' : `${plural(days, 'day')} ago`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `2026-11-25T12:00:00.000Z` → `2026-11-25` (UTC, like the certificate). */
function day(iso: string): string {
  return iso.slice(0, 10);
}
