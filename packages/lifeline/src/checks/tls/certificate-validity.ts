/**
 * Validity of an X.509 certificate against a clock: its dates as ISO strings, whole days left, and whether it
 * is expired or not yet valid. Shared by the server certificate (seen in the handshake) and the mTLS client
 * certificate (read from a secret), so that both count days the same way and take `now` from the caller.
 */
import type { X509Certificate } from 'node:crypto';

export const DAY_MS = 86_400_000;

export interface CertificateValidity {
  /** ISO 8601. */
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  /** Whole days until `validTo`, rounded down: negative once expired (-1 within the first day after). */
  daysLeft: number;
  expired: boolean;
  notYetValid: boolean;
}

/** Thrown when a certificate carries a date Node prints in a form we cannot read back; never expected. */
export class CertificateDateError extends Error {
  override readonly name = 'CertificateDateError';
  readonly code = 'CERT_DATE_UNREADABLE';
}

/**
 * @example
 * certificateValidity(new X509Certificate(pem), Date.now()).daysLeft // 364 for a fresh one-year certificate
 */
export function certificateValidity(
  certificate: Pick<X509Certificate, 'validFrom' | 'validTo'>,
  now: number,
): CertificateValidity {
  const from = parseCertificateTime(certificate.validFrom);
  const to = parseCertificateTime(certificate.validTo);
  return {
    validFrom: new Date(from).toISOString(),
    validTo: new Date(to).toISOString(),
    daysLeft: Math.floor((to - now) / DAY_MS),
    // notAfter is inclusive (RFC 5280 §4.1.2.5): the certificate is still valid at that very second.
    expired: now > to,
    notYetValid: now < from,
  };
}

/** Node prints X.509 times as `Nov 25 12:32:16 2026 GMT`, which `Date` parses; anything else is refused. */
function parseCertificateTime(text: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new CertificateDateError(`unreadable certificate date: ${text}`);
  return time;
}
