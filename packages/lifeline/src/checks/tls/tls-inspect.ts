/**
 * One TLS handshake against a host, to look at the server certificate rather than to talk to the server.
 * Node is told to accept any certificate (`rejectUnauthorized: false`) so that an expired, self-signed or
 * misnamed one can still be described; trust and hostname are then judged here from what Node verified. Network
 * failures, timeouts and handshake failures come back as distinct results, never as exceptions.
 */
import type { X509Certificate } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { certificateValidity, type CertificateValidity } from './certificate-validity.js';

export interface InspectTlsOptions {
  host: string;
  port: number;
  /** SNI and the name the certificate must carry, when it differs from `host`. */
  servername?: string;
  /** PEM bundle to trust instead of the system store. */
  ca?: string;
  /** Client certificate and key (PEM) to present, so that servers requiring mutual TLS finish the handshake. */
  clientCertificate?: { cert: string; key: string };
  timeoutMs: number;
  signal: AbortSignal;
  now: () => number;
}

/** The server certificate as seen in a completed handshake. */
export interface PeerCertificate extends CertificateValidity {
  /** `CN=…, O=…` */
  subject: string;
  issuer: string;
  /** DNS names and IP addresses of subjectAltName (the common name when there are none), for messages. */
  names: string[];
  /** Issuer equals subject and the certificate's signature verifies with its own key. */
  selfSigned: boolean;
  fingerprint256: string;
}

export interface TlsHandshake {
  kind: 'handshake';
  certificate: PeerCertificate;
  /** The chain verifies against the system store, or against `ca` when given. Hostname is judged apart. */
  trusted: boolean;
  /** OpenSSL's verification error when not trusted, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  authorizationError?: string;
  /** The name the certificate was checked against (`servername`, else `host`). */
  hostname: string;
  hostnameMatches: boolean;
  /** `ERR_TLS_CERT_ALTNAME_INVALID` when the name does not match. */
  hostnameError?: string;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol?: string;
  /** Certificates in the chain as Node assembled it, leaf included. */
  chainLength: number;
  /** From the start of the connection to the end of the handshake (monotonic clock). */
  handshakeMs: number;
}

/** How an inspection went; everything but `handshake` means no certificate was seen. */
export type TlsInspection =
  | TlsHandshake
  /** DNS failure, connection refused or reset: the host could not be talked to. */
  | { kind: 'unreachable'; errorCode: string; reason: string }
  | { kind: 'timeout'; phase: 'connect' | 'handshake'; timeoutMs: number }
  /** Connected, but TLS failed: protocol version, not TLS at all, alerts, unusable client certificate. */
  | { kind: 'handshake-failed'; errorCode: string; reason: string }
  | { kind: 'aborted'; phase: 'connect' | 'handshake' };

/** Longest wait for a polite close after a completed handshake before the socket is destroyed anyway. */
const GRACEFUL_CLOSE_MS = 500;

/** Socket error codes that mean the host could not be talked to, as opposed to a TLS failure. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Connects, completes a handshake, describes the server certificate and closes. Never rejects; the socket is
 * destroyed on every path.
 *
 * @example
 * const seen = await inspectTls({ host: 'api.example.com', port: 443, timeoutMs: 5000, signal, now: Date.now });
 * if (seen.kind === 'handshake') console.log(seen.certificate.daysLeft, seen.trusted, seen.protocol);
 */
export function inspectTls(options: InspectTlsOptions): Promise<TlsInspection> {
  const { signal } = options;
  if (signal.aborted) return Promise.resolve({ kind: 'aborted', phase: 'connect' });
  const hostname = options.servername ?? options.host;
  const started = performance.now();

  return new Promise((resolve) => {
    let socket: tls.TLSSocket | undefined;
    let connected = false;
    let settled = false;
    const phase = (): 'connect' | 'handshake' => (connected ? 'handshake' : 'connect');
    const finish = (result: TlsInspection, graceful = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (socket === undefined) resolve(result);
      else void release(socket, graceful).then(() => resolve(result));
    };
    const onAbort = (): void => finish({ kind: 'aborted', phase: phase() });
    const timer = setTimeout(
      () => finish({ kind: 'timeout', phase: phase(), timeoutMs: options.timeoutMs }),
      options.timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });

    try {
      socket = tls.connect({
        host: options.host,
        port: options.port,
        // SNI must not carry an IP address (RFC 6066 §3); Node warns when given one.
        ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.clientCertificate ?? {}),
        rejectUnauthorized: false,
        // Node folds a hostname mismatch into `authorized`; switched off so `authorized` means the chain alone.
        checkServerIdentity: () => undefined,
      });
    } catch (error) {
      // A secure context Node cannot build (e.g. a client key that does not match its certificate) throws here.
      finish(failure(error, 'ERR_TLS_CONTEXT'));
      return;
    }
    const connecting = socket;
    connecting.once('connect', () => {
      connected = true;
    });
    connecting.once('secureConnect', () => {
      try {
        finish(describeHandshake(connecting, hostname, options.now(), performance.now() - started), true);
      } catch (error) {
        finish(failure(error, 'ERR_TLS_PEER_CERTIFICATE'));
      }
    });
    connecting.on('error', (error) => finish(failure(error, 'ERR_TLS_HANDSHAKE')));
    connecting.once('close', () =>
      finish({
        kind: 'unreachable',
        errorCode: 'ECONNRESET',
        reason: 'connection closed before the handshake',
      }),
    );
  });
}

/**
 * Destroys the socket; after a completed handshake, first closes it politely. Destroying at once would drop
 * the client's last handshake flight still queued for writing, so every check would show up in the server's
 * logs as a failed handshake (and an mTLS server would never see the client certificate).
 */
function release(socket: tls.TLSSocket, graceful: boolean): Promise<void> {
  if (!graceful || socket.destroyed) {
    socket.destroy();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(cap);
      socket.destroy();
      resolve();
    };
    // `end`'s callback runs once queued data is flushed; a peer that stops reading must not hold us up.
    const cap = setTimeout(done, GRACEFUL_CLOSE_MS);
    socket.end(done);
  });
}

function describeHandshake(
  socket: tls.TLSSocket,
  hostname: string,
  now: number,
  handshakeMs: number,
): TlsInspection {
  // The X509Certificate is read rather than `getPeerCertificate()`, which comes back empty when the server
  // closes right after the handshake (OpenSSL has dropped the session's chain by the time we look).
  const x509 = socket.getPeerX509Certificate();
  if (x509 === undefined) {
    return { kind: 'handshake-failed', errorCode: 'NO_PEER_CERTIFICATE', reason: 'no server certificate' };
  }
  const legacy = x509.toLegacyObject();
  const identityError = tls.checkServerIdentity(hostname, legacy) as NodeJS.ErrnoException | undefined;
  const authorizationError = authorizationErrorCode(socket);
  const protocol = socket.getProtocol();
  return {
    kind: 'handshake',
    certificate: {
      ...certificateValidity(x509, now),
      subject: formatName(legacy.subject, x509.subject),
      issuer: formatName(legacy.issuer, x509.issuer),
      names: subjectNames(x509.subjectAltName, legacy.subject),
      selfSigned: x509.checkIssued(x509) && x509.verify(x509.publicKey),
      fingerprint256: x509.fingerprint256,
    },
    trusted: socket.authorized,
    ...(socket.authorized || authorizationError === undefined ? {} : { authorizationError }),
    hostname,
    hostnameMatches: identityError === undefined,
    ...(identityError === undefined
      ? {}
      : { hostnameError: identityError.code ?? 'ERR_TLS_CERT_ALTNAME_INVALID' }),
    ...(protocol ? { protocol } : {}),
    chainLength: chainLength(x509),
    handshakeMs: Math.round(handshakeMs),
  };
}

/** Node documents an Error but stores OpenSSL's code as a string; both are read. */
function authorizationErrorCode(socket: tls.TLSSocket): string | undefined {
  const raw: unknown = socket.authorizationError;
  if (typeof raw === 'string') return raw;
  if (raw instanceof Error) return (raw as NodeJS.ErrnoException).code ?? raw.message;
  return undefined;
}

/** Walks `issuerCertificate` as far as Node could link the chain; stops at a repeat, should a root link itself. */
function chainLength(leaf: X509Certificate): number {
  const seen = new Set<string>();
  let current: X509Certificate | undefined = leaf;
  while (current !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    current = current.issuerCertificate;
  }
  return seen.size;
}

/** `CN=…, O=…` from Node's parsed name; Node's full one-per-line form when neither is present. */
function formatName(name: tls.Certificate | undefined, fallback: string): string {
  const parts: string[] = [];
  for (const field of ['CN', 'O'] as const) {
    // Typed as strings, but a repeated attribute arrives as an array.
    const value: unknown = name?.[field];
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const one of values) parts.push(`${field}=${String(one)}`);
  }
  return parts.length > 0 ? parts.join(', ') : fallback.split('\n').filter(Boolean).join(', ');
}

/** `DNS:a.example, IP Address:127.0.0.1` → `['a.example', '127.0.0.1']`. */
function subjectNames(subjectAltName: string | undefined, subject: tls.Certificate | undefined): string[] {
  const names = (subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.slice(entry.indexOf(':') + 1).replace(/^"|"$/g, ''))
    .filter((entry) => entry !== '');
  if (names.length > 0) return names;
  const commonName: unknown = subject?.CN;
  return typeof commonName === 'string' ? [commonName] : [];
}

function failure(error: unknown, fallbackCode: string): TlsInspection {
  const { code, reason, message } = error as { code?: unknown; reason?: unknown; message?: unknown };
  const errorCode = typeof code === 'string' ? code : fallbackCode;
  const text =
    typeof reason === 'string' ? reason : opensslReason(typeof message === 'string' ? message : '');
  return NETWORK_ERROR_CODES.has(errorCode)
    ? { kind: 'unreachable', errorCode, reason: text }
    : { kind: 'handshake-failed', errorCode, reason: text };
}

/** `…:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/…` → `tlsv1 alert protocol version`. */
function opensslReason(message: string): string {
  const match = /:(?:SSL|x509 certificate|PEM|asn1 encoding) routines:[^:]*:([^:]+)/.exec(message);
  return (match?.[1] ?? message.split('\n')[0] ?? '').trim();
}
