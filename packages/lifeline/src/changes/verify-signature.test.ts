/**
 * The inbound signature check: what the webhook channel sends verifies (Lifeline to Lifeline), and any change to
 * the body, the timestamp or the signature — or a timestamp outside the replay window — is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../channels/webhook/webhook-channel.js';
import { signMessage, verifyGithubSignature, verifyLifelineSignature } from './verify-signature.js';

const SECRET = 'whsec-test';
const NOW = Date.UTC(2026, 0, 1, 12);
const TS = String(NOW / 1000);
const BODY = '{"kind":"deploy","ref":"v42","integration":"payments"}';
const clock = (ms = NOW) => ({ secret: SECRET, now: () => ms });

function signed(body = BODY, timestamp = TS) {
  return { body, timestamp, signature: signMessage(SECRET, `${timestamp}.${body}`) };
}

describe('verifyLifelineSignature', () => {
  it('accepts what the webhook channel signs', () => {
    const request = { body: BODY, timestamp: TS, signature: webhookSignature(SECRET, TS, BODY) };
    expect(verifyLifelineSignature(request, clock())).toEqual({ ok: true });
  });

  it('accepts an upper-case hex digest and a timestamp at the edge of the window either way', () => {
    const request = signed();
    const upper = { ...request, signature: `sha256=${request.signature.slice(7).toUpperCase()}` };
    expect(verifyLifelineSignature(upper, clock())).toEqual({ ok: true });
    expect(verifyLifelineSignature(request, clock(NOW + 5 * 60_000))).toEqual({ ok: true });
    expect(verifyLifelineSignature(request, clock(NOW - 5 * 60_000))).toEqual({ ok: true });
  });

  it('refuses a timestamp outside the replay window, with the configured window', () => {
    const request = signed();
    expect(verifyLifelineSignature(request, clock(NOW + 5 * 60_000 + 1000))).toMatchObject({
      ok: false,
      failure: 'stale-timestamp',
    });
    expect(
      verifyLifelineSignature(request, { ...clock(NOW + 61_000), replayWindowMs: 60_000 }),
    ).toMatchObject({ ok: false, failure: 'stale-timestamp' });
  });

  it.each([
    ['no signature', { signature: undefined }, 'missing-signature'],
    ['no timestamp', { timestamp: undefined }, 'missing-timestamp'],
    ['a timestamp in ms', { timestamp: `${TS}000` }, 'malformed-timestamp'],
    ['a date as timestamp', { timestamp: '2026-01-01' }, 'malformed-timestamp'],
    ['a signature without the prefix', { signature: 'abc' }, 'bad-signature'],
    ['a short digest', { signature: 'sha256=abcd' }, 'bad-signature'],
  ])('refuses %s', (_, change, failure) => {
    expect(verifyLifelineSignature({ ...signed(), ...change }, clock())).toMatchObject({
      ok: false,
      failure,
    });
  });

  it('refuses another secret', () => {
    expect(verifyLifelineSignature(signed(), { ...clock(), secret: 'other' })).toMatchObject({
      ok: false,
      failure: 'bad-signature',
    });
  });

  it('refuses any tampering with the body (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, other) => {
        fc.pre(body !== other);
        const request = { ...signed(body), body: other };
        expect(verifyLifelineSignature(signed(body), clock())).toEqual({ ok: true });
        expect(verifyLifelineSignature(request, clock())).toMatchObject({
          ok: false,
          failure: 'bad-signature',
        });
      }),
    );
  });

  it('refuses any other timestamp than the signed one, even inside the window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), fc.string(), (shift, body) => {
        fc.pre(shift !== 0);
        const request = { ...signed(body), timestamp: String(NOW / 1000 + shift) };
        expect(verifyLifelineSignature(request, clock())).toMatchObject({
          ok: false,
          failure: 'bad-signature',
        });
      }),
    );
  });

  it('refuses a signature with any one hex digit changed (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 63 }), fc.integer({ min: 1, max: 15 }), (index, delta) => {
        const request = signed();
        const hex = request.signature.slice(7);
        const digit = ((parseInt(hex[index]!, 16) + delta) % 16).toString(16);
        const tampered = `sha256=${hex.slice(0, index)}${digit}${hex.slice(index + 1)}`;
        expect(verifyLifelineSignature({ ...request, signature: tampered }, clock())).toMatchObject({
          ok: false,
          failure: 'bad-signature',
        });
      }),
    );
  });
});

describe('verifyGithubSignature', () => {
  it('accepts the HMAC of the body and refuses anything else', () => {
    const signature = signMessage(SECRET, BODY);
    expect(verifyGithubSignature(BODY, signature, SECRET)).toEqual({ ok: true });
    expect(verifyGithubSignature(`${BODY} `, signature, SECRET)).toMatchObject({ failure: 'bad-signature' });
    expect(verifyGithubSignature(BODY, signature, 'other')).toMatchObject({ failure: 'bad-signature' });
    expect(verifyGithubSignature(BODY, undefined, SECRET)).toMatchObject({ failure: 'missing-signature' });
    // GitHub's older SHA-1 header value is not accepted in place of the SHA-256 one.
    expect(
      verifyGithubSignature(BODY, 'sha1=0123456789abcdef0123456789abcdef01234567', SECRET),
    ).toMatchObject({
      failure: 'bad-signature',
    });
  });
});
