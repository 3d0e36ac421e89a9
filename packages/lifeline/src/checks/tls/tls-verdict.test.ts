/**
 * tlsVerdict on hand-made inspections: the verdicts real servers cannot cheaply provoke here (old protocols,
 * DNS failures, rejected client certificates, broken intermediates), the wording at day boundaries, and which
 * problem wins when several hold at once. No network, no keys.
 */
import { describe, expect, it } from 'vitest';
import type { ClientCertificateStatus } from './client-certificate.js';
import { DAY_MS } from './certificate-validity.js';
import type { TlsHandshake, TlsInspection } from './tls-inspect.js';
import { tlsSummary, tlsVerdict, type TlsVerdictInput } from './tls-verdict.js';

const NOW = Date.parse('2026-11-28T12:00:00.000Z');

function iso(offsetMs: number): string {
  return new Date(NOW + offsetMs).toISOString();
}

function handshake(overrides: Partial<TlsHandshake> = {}, daysLeft = 90): TlsHandshake {
  const validTo = NOW + daysLeft * DAY_MS + 3_600_000;
  return {
    kind: 'handshake',
    certificate: {
      validFrom: iso(-30 * DAY_MS),
      validTo: new Date(validTo).toISOString(),
      daysLeft: Math.floor((validTo - NOW) / DAY_MS),
      expired: validTo < NOW,
      notYetValid: false,
      subject: 'CN=api.example.com',
      issuer: 'CN=Example CA, O=Example',
      names: ['api.example.com'],
      selfSigned: false,
      fingerprint256: 'AA:BB',
    },
    trusted: true,
    hostname: 'api.example.com',
    hostnameMatches: true,
    protocol: 'TLSv1.3',
    chainLength: 2,
    handshakeMs: 12,
    ...overrides,
  };
}

function client(daysLeft: number): ClientCertificateStatus {
  const validTo = NOW + daysLeft * DAY_MS + (daysLeft < 0 ? -3_600_000 : 3_600_000);
  return {
    kind: 'parsed',
    label: '${file:certs/client.pem}',
    subject: 'CN=svc',
    validFrom: iso(-100 * DAY_MS),
    validTo: new Date(validTo).toISOString(),
    daysLeft: Math.floor((validTo - NOW) / DAY_MS),
    expired: validTo < NOW,
    notYetValid: false,
  };
}

function verdict(inspection: TlsInspection, extra: Partial<TlsVerdictInput> = {}) {
  return tlsVerdict({ host: 'api.example.com', port: 443, inspection, minDaysLeft: 14, now: NOW, ...extra });
}

describe('tlsVerdict', () => {
  it('passes with the days left and the expiry date, and summarises the certificate', () => {
    const seen = handshake();
    expect(verdict(seen)).toEqual({
      class: 'ok',
      message: 'expires in 90 days (2027-02-26)',
      tls: tlsSummary(seen),
    });
    expect(tlsSummary(seen)).toEqual({
      daysLeft: 90,
      validFrom: '2026-10-29T12:00:00.000Z',
      validTo: '2027-02-26T13:00:00.000Z',
      issuer: 'CN=Example CA, O=Example',
      subject: 'CN=api.example.com',
      selfSigned: false,
      trusted: true,
      hostnameMatches: true,
      protocol: 'TLSv1.3',
    });
  });

  it('words day boundaries', () => {
    expect(verdict(handshake({}, 1), { minDaysLeft: 1 }).message).toBe('expires in 1 day (2026-11-29)');
    expect(verdict(handshake({}, 0), { minDaysLeft: 1 }).message).toBe(
      'expires in less than a day (2026-11-28); renew before 1 day is left',
    );
    const justExpired = handshake();
    justExpired.certificate = {
      ...justExpired.certificate,
      validTo: iso(-3_600_000),
      daysLeft: -1,
      expired: true,
    };
    expect(verdict(justExpired).message).toBe(
      'certificate for api.example.com expired less than a day ago (2026-11-28)',
    );
  });

  it('fails a certificate that is not valid yet', () => {
    const early = handshake();
    early.certificate = { ...early.certificate, validFrom: iso(2 * DAY_MS), notYetValid: true };
    expect(verdict(early)).toMatchObject({
      class: 'tls',
      errorCode: 'CERT_NOT_YET_VALID',
      message: 'certificate for api.example.com is not valid before 2026-11-30',
    });
  });

  it('explains trust failures in words, keeping unknown codes as they are', () => {
    expect(verdict(handshake({ trusted: false, authorizationError: 'CERT_HAS_EXPIRED' }))).toMatchObject({
      class: 'tls',
      errorCode: 'CERT_HAS_EXPIRED',
      message:
        'certificate is not trusted: a certificate in its chain has expired (issuer: CN=Example CA, O=Example)',
    });
    expect(verdict(handshake({ trusted: false, authorizationError: 'SOMETHING_NEW' })).message).toBe(
      'certificate is not trusted: SOMETHING_NEW (issuer: CN=Example CA, O=Example)',
    );
  });

  it('fails a protocol older than TLSv1.2', () => {
    expect(verdict(handshake({ protocol: 'TLSv1.1' }))).toMatchObject({
      class: 'tls',
      errorCode: 'TLS_PROTOCOL_OUTDATED',
      message: 'server negotiated TLSv1.1; TLSv1.2 or newer is required',
    });
    expect(verdict(handshake({ protocol: 'TLSv1.2' })).class).toBe('ok');
  });

  it('classifies connection failures', () => {
    expect(verdict({ kind: 'unreachable', errorCode: 'ENOTFOUND', reason: 'getaddrinfo ENOTFOUND' })).toEqual(
      {
        class: 'unreachable',
        errorCode: 'ENOTFOUND',
        message: 'cannot resolve api.example.com (ENOTFOUND)',
      },
    );
    expect(verdict({ kind: 'unreachable', errorCode: 'ECONNRESET', reason: 'socket hang up' }).message).toBe(
      'connection to api.example.com:443 was reset (ECONNRESET)',
    );
    expect(verdict({ kind: 'timeout', phase: 'connect', timeoutMs: 5000 })).toEqual({
      class: 'timeout',
      errorCode: 'ETIMEDOUT',
      message: 'no connection to api.example.com:443 within 5000ms',
    });
    expect(verdict({ kind: 'aborted', phase: 'handshake' })).toMatchObject({
      class: 'timeout',
      errorCode: 'ABORT_ERR',
    });
  });

  it('explains handshake failures', () => {
    const failed = (errorCode: string, reason: string) =>
      verdict({ kind: 'handshake-failed', errorCode, reason });
    expect(failed('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version')).toEqual({
      class: 'tls',
      errorCode: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      message:
        'TLS handshake with api.example.com:443 failed: no common protocol version; ' +
        'the server may only offer protocols older than TLSv1.2',
    });
    expect(failed('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number').message).toContain(
      'did not answer with TLS',
    );
    expect(
      failed('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required').message,
    ).toBe(
      'TLS handshake with api.example.com:443 failed: the server rejected the client certificate ' +
        '(tlsv13 alert certificate required)',
    );
    expect(failed('ERR_SSL_SOMETHING', 'odd alert').message).toBe(
      'TLS handshake with api.example.com:443 failed: odd alert',
    );
  });

  it('ranks an expired client certificate above everything, even an unreachable host', () => {
    const outcome = verdict(
      { kind: 'unreachable', errorCode: 'ECONNREFUSED', reason: '' },
      { clientCertificate: client(-2) },
    );
    expect(outcome).toEqual({
      class: 'tls',
      errorCode: 'CLIENT_CERT_HAS_EXPIRED',
      message: 'client certificate ${file:certs/client.pem} (CN=svc) expired 2 days ago (2026-11-26)',
    });
  });

  it('ranks server problems above a client certificate that expires soon', () => {
    const both = verdict(handshake({}, 5), { clientCertificate: client(3) });
    expect(both).toMatchObject({ errorCode: 'CERT_EXPIRES_SOON' });
    const clientOnly = verdict(handshake(), { clientCertificate: client(3) });
    expect(clientOnly).toMatchObject({
      class: 'tls',
      errorCode: 'CLIENT_CERT_EXPIRES_SOON',
      message:
        'client certificate ${file:certs/client.pem} (CN=svc) expires in 3 days (2026-12-01); ' +
        'renew before 14 days are left',
      tls: { trusted: true },
    });
    expect(verdict(handshake(), { clientCertificate: client(30) }).class).toBe('ok');
  });

  it('reports an unusable client certificate by its label', () => {
    const unusable: ClientCertificateStatus = {
      kind: 'unusable',
      label: '${env:CLIENT_CERT}',
      errorCode: 'CLIENT_CERT_UNREADABLE',
      reason: 'is not a PEM certificate',
    };
    expect(verdict(handshake(), { clientCertificate: unusable })).toMatchObject({
      class: 'tls',
      errorCode: 'CLIENT_CERT_UNREADABLE',
      message: 'client certificate ${env:CLIENT_CERT} is not a PEM certificate',
    });
  });
});
