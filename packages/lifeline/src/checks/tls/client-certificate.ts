/**
 * The mTLS client certificate of an integration, read from its secret: parsed with node:crypto so its expiry
 * can be judged like the server's. Only the subject and dates leave this module; the PEM never does, and
 * parse errors are reduced to a fixed sentence because OpenSSL messages may quote input.
 */
import { X509Certificate } from 'node:crypto';
import { certificateValidity, type CertificateValidity } from './certificate-validity.js';

/** What was learnt about the client certificate, under a label safe to print (the secret reference). */
export type ClientCertificateStatus =
  | ({ kind: 'parsed'; label: string; subject: string } & CertificateValidity)
  | { kind: 'unusable'; label: string; errorCode: string; reason: string };

/**
 * @param label how to name the certificate in messages, e.g. `${file:certs/client.pem}`; never the PEM.
 * @example
 * inspectClientCertificate(pem, '${file:certs/client.pem}', Date.now()) // { kind: 'parsed', daysLeft: 41, … }
 */
export function inspectClientCertificate(pem: string, label: string, now: number): ClientCertificateStatus {
  let certificate: X509Certificate;
  try {
    // A bundle parses as its first certificate, which is the client's own by convention.
    certificate = new X509Certificate(pem);
  } catch {
    return {
      kind: 'unusable',
      label,
      errorCode: 'CLIENT_CERT_UNREADABLE',
      reason: 'is not a PEM certificate',
    };
  }
  try {
    return {
      kind: 'parsed',
      label,
      subject: commonName(certificate.subject),
      ...certificateValidity(certificate, now),
    };
  } catch {
    return { kind: 'unusable', label, errorCode: 'CLIENT_CERT_UNREADABLE', reason: 'has unreadable dates' };
  }
}

/** `C=DE\nO=Acme\nCN=svc` → `CN=svc`; the whole name, comma-joined, when there is no common name. */
function commonName(subject: string): string {
  const lines = subject.split('\n').filter(Boolean);
  return lines.find((line) => line.startsWith('CN=')) ?? lines.join(', ');
}
