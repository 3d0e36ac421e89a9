/**
 * The channel conformance suite: one vitest `describe` every channel kind runs unchanged against a real local
 * receiver speaking the vendor's protocol (an HTTP server on 127.0.0.1 port 0, or smtp-server for email) that
 * validates each request against the vendor's published format. It proves what the dispatcher relies on: the
 * idempotency key reaches the receiver, acknowledged and resolved messages follow, failures are classified
 * (retriable, `RetryAfterError`, `NonRetriableError` naming the reason), timeouts and aborts stop a delivery,
 * and no secret value reaches a body, a subject or an error. Kind specifics belong in each kind's own tests.
 * Imports vitest: import it from test files only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelMessage } from '../daemon/messages.js';
import type { Channel } from '../workspace/model.js';
import type { SecretReference } from '../workspace/values.js';
import type { ChannelSender, DeliveryContext, DeliveryReceipt } from './channel.js';
import { sampleMessage, T0 } from './test-support/messages.js';

/** One thing the receiver accepted, as the suite sees it. */
export interface ConformanceDelivery {
  /** How the receiver identifies the delivery: the Idempotency-Key, the Message-ID, PagerDuty's dedup_key. */
  key: string | undefined;
  /** The human-readable content it got, to check what it says. */
  text: string;
}

/** What the next request (or mail) meets instead of the vendor's normal answer. */
export type Failure =
  | { kind: 'unavailable' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'refused'; status: 400 | 401 | 403 | 404 }
  | { kind: 'drop' }
  | { kind: 'hold' };

export interface ConformanceReceiver {
  /** Deliveries accepted, in order. */
  deliveries(): ConformanceDelivery[];
  /** Requests that broke the vendor's published format (must stay empty). */
  violations(): string[];
  /** Everything the receiver got except the protocol's credential fields, to scan for secrets. */
  transcript(): string;
  fail(...failures: Failure[]): void;
  close(): Promise<void>;
}

export interface ChannelConformanceCase<K extends Channel['kind'], R extends ConformanceReceiver> {
  kind: K;
  sender: ChannelSender<K>;
  start(): Promise<R>;
  /** The channel as the workspace declares it, pointed at the receiver; secrets are `${env:…}` references. */
  channel(receiver: R): Extract<Channel, { kind: K }>;
  /** Values of the environment variables the channel's secrets name. */
  env: Readonly<Record<string, string>>;
  /** The key the receiver sees for a delivery under `idempotencyKey`. */
  expectedKey(idempotencyKey: string, message: ChannelMessage): string;
  /** Whether the protocol can say when to retry (HTTP `Retry-After`; SMTP cannot). */
  retryAfter: boolean;
  /** What a refusal with this HTTP-like status must name in the error (the status, or the SMTP reply code). */
  refusalReason(status: 400 | 401 | 403 | 404): RegExp;
}

/** The timeout of a normal delivery, and the short one the hold case waits out. */
const TIMEOUT_MS = 5000;
const SHORT_TIMEOUT_MS = 300;

export function describeChannelConformance<K extends Channel['kind'], R extends ConformanceReceiver>(
  testCase: ChannelConformanceCase<K, R>,
): void {
  describe(`channel conformance: ${testCase.kind}`, () => {
    let receiver: R;
    let channel: Extract<Channel, { kind: K }>;
    let receipts: DeliveryReceipt[];
    const errors: string[] = [];

    const resolveSecret = (ref: SecretReference): Promise<string> => {
      if (ref.source !== 'env') return Promise.reject(new Error('tests use ${env:…} secrets'));
      const value = testCase.env[ref.name];
      return value === undefined ? Promise.reject(new Error(`no ${ref.name}`)) : Promise.resolve(value);
    };

    function context(key: string, extra: Partial<DeliveryContext> = {}): DeliveryContext {
      return {
        signal: new AbortController().signal,
        now: () => T0,
        resolveSecret,
        idempotencyKey: key,
        timeoutMs: TIMEOUT_MS,
        priorReceipts: () => Promise.resolve([...receipts]),
        ...extra,
      };
    }

    async function send(message: ChannelMessage, key: string, extra?: Partial<DeliveryContext>) {
      const receipt = await testCase.sender.send(channel, message, context(key, extra));
      receipts.push(receipt);
      return receipt;
    }

    async function failure(message: ChannelMessage, key: string, extra?: Partial<DeliveryContext>) {
      const error = await send(message, key, extra).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error, 'the delivery should have failed').toBeInstanceOf(Error);
      errors.push(`${error!.name}: ${error!.message}`);
      return error!;
    }

    beforeEach(async () => {
      receiver = await testCase.start();
      channel = testCase.channel(receiver);
      receipts = [];
    });

    afterEach(async () => {
      for (const secret of Object.values(testCase.env)) {
        expect(receiver.transcript(), 'a secret reached the receiver').not.toContain(secret);
        for (const error of errors) expect(error, 'a secret is in an error').not.toContain(secret);
      }
      errors.length = 0;
      await receiver.close();
    });

    it('delivers an escalation with the idempotency key visible to the receiver', async () => {
      const message = sampleMessage('escalation', channel.id);
      const receipt = await send(message, 'effect-1@ops');
      expect(receipt).toMatchObject({ channel: channel.id, kind: testCase.kind, at: T0 });
      expect(receiver.violations()).toEqual([]);
      expect(receiver.deliveries().map((d) => d.key)).toEqual([
        testCase.expectedKey('effect-1@ops', message),
      ]);
      expect(receiver.deliveries()[0]?.text).toContain(message.problem);
    });

    it('makes the same key twice recognisable as the same delivery', async () => {
      const message = sampleMessage('escalation', channel.id);
      await send(message, 'effect-2@ops');
      await send(message, 'effect-2@ops');
      const keys = receiver.deliveries().map((d) => d.key);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe(testCase.expectedKey('effect-2@ops', message));
      expect(keys[1]).toBe(keys[0]);
      expect(receiver.violations()).toEqual([]);
    });

    it('follows an escalation with acknowledged and resolved messages', async () => {
      await send(sampleMessage('escalation', channel.id), 'e:1@ops');
      const afterTrigger = receiver.deliveries().length;
      await send(sampleMessage('acknowledged', channel.id), 'e:2@ops');
      const afterAck = receiver.deliveries().length;
      await send(sampleMessage('resolved', channel.id), 'e:3@ops');
      expect(receiver.violations()).toEqual([]);
      const ack = receiver.deliveries().slice(afterTrigger, afterAck);
      const resolved = receiver.deliveries().slice(afterAck);
      expect(ack.map((d) => d.text).join('\n')).toMatch(/acknowledged/i);
      expect(resolved.map((d) => d.text).join('\n')).toMatch(/resolved/i);
      expect(receipts).toHaveLength(3);
    });

    it('rejects with a retriable error on a 5xx and on a dropped connection', async () => {
      receiver.fail({ kind: 'unavailable' });
      const unavailable = await failure(sampleMessage('escalation', channel.id), 'e:5xx@ops');
      expect(unavailable.name).toBe('Error');
      receiver.fail({ kind: 'drop' });
      const dropped = await failure(sampleMessage('escalation', channel.id), 'e:drop@ops');
      expect(dropped.name).toBe('Error');
      expect(receiver.deliveries()).toEqual([]);
    });

    it('rejects a rate limit with the receiver’s delay when the protocol has one', async () => {
      receiver.fail({ kind: 'rate-limited', retryAfterSeconds: 7 });
      const error = await failure(sampleMessage('escalation', channel.id), 'e:429@ops');
      if (testCase.retryAfter) {
        expect(error.name).toBe('RetryAfterError');
        expect((error as Error & { retryAfterMs: number }).retryAfterMs).toBe(7000);
      } else {
        expect(error.name).toBe('Error');
      }
    });

    it.each([400, 401, 403, 404] as const)(
      'rejects a %i refusal as final, naming the reason without secrets',
      async (status) => {
        receiver.fail({ kind: 'refused', status });
        const error = await failure(sampleMessage('escalation', channel.id), `e:${status}@ops`);
        expect(error.name).toBe('NonRetriableError');
        expect(error.message).toMatch(testCase.refusalReason(status));
        expect(error.message).toContain(channel.id);
      },
    );

    it('gives up on a receiver that does not answer within the timeout, as retriable', async () => {
      receiver.fail({ kind: 'hold' });
      const started = Date.now();
      const error = await failure(sampleMessage('escalation', channel.id), 'e:slow@ops', {
        timeoutMs: SHORT_TIMEOUT_MS,
      });
      expect(error.name).toBe('Error');
      expect(error.message).toMatch(/did not answer within/);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('stops when the signal is aborted, before or during the delivery', async () => {
      const before = new AbortController();
      before.abort();
      const early = await failure(sampleMessage('escalation', channel.id), 'e:abort1@ops', {
        signal: before.signal,
      });
      expect(early.name).toBe('AbortError');
      receiver.fail({ kind: 'hold' });
      const during = new AbortController();
      const pending = failure(sampleMessage('escalation', channel.id), 'e:abort2@ops', {
        signal: during.signal,
        timeoutMs: 60_000,
      });
      setTimeout(() => during.abort(), 50);
      expect((await pending).name).toBe('AbortError');
      expect(receiver.deliveries()).toEqual([]);
    });
  });
}
