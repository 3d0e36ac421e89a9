/**
 * Test-only HTTP helpers for the sandbox suites: one call that sends a request with undici and hands back
 * status, headers and parsed JSON, so assertions read as the vendor contract rather than plumbing.
 */
import { type Dispatcher, request } from 'undici';
import { type CertificateAuthority, createCertificateAuthority } from '../certificates.js';

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

export interface SendOptions {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

export async function send(url: string, options: SendOptions = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await request(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    dispatcher: options.dispatcher,
    signal: options.signal,
  });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let parsed: unknown = text;
  if ((flat['content-type'] ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
  return { status: response.statusCode, headers: flat, body: parsed };
}

/** Reads a nested value by JSON pointer, for asserting the schema-variant table pointer by pointer. */
export function atPointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** True when the pointer's last segment exists as a key (distinguishes "removed" from "null"). */
export function hasPointer(document: unknown, pointer: string): boolean {
  const tokens = pointer.split('/');
  const last = tokens.pop() ?? '';
  const parent = atPointer(document, tokens.join('/'));
  return typeof parent === 'object' && parent !== null && Object.hasOwn(parent, last);
}

export const PAYMENTS_AUTH = { authorization: 'Bearer sk_test_lifeline' };
export const SHIPPING_AUTH = { 'x-api-key': 'shp_test_lifeline' };

export const DOMESTIC_QUOTE = {
  from: { postalCode: '10001', country: 'US' },
  to: { postalCode: '94105', country: 'US' },
  parcel: { weightGrams: 1200, lengthCm: 30, widthCm: 20, heightCm: 10 },
};

/** Client credentials token via HTTP Basic. */
export async function fetchToken(baseUrl: string, scope?: string): Promise<string> {
  const basic = Buffer.from('lifeline-sandbox:id_secret_lifeline').toString('base64');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) form.set('scope', scope);
  const response = await send(`${baseUrl}/identity/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  return (response.body as { access_token: string }).access_token;
}

let sharedAuthority: CertificateAuthority | undefined;

/** One CA per test file: key generation is the slow part of starting a sandbox. */
export function testAuthority(): CertificateAuthority {
  sharedAuthority ??= createCertificateAuthority({ commonName: 'Lifeline Sandbox Test CA' });
  return sharedAuthority;
}
