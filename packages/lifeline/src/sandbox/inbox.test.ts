import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index.js';

describe('sandbox inbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  });
  afterAll(() => sandbox.close());

  it('records deliveries with their idempotency key and lists them oldest first', async () => {
    for (const text of ['first', 'second']) {
      const res = await request(`${sandbox.httpUrl}/_sandbox/inbox/slack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `INC-1:${text}` },
        body: JSON.stringify({ text }),
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    const res = await request(`${sandbox.httpUrl}/_sandbox/inbox`);
    const { messages } = (await res.body.json()) as {
      messages: { path: string; idempotencyKey: string; body: unknown }[];
    };
    expect(messages.map((m) => [m.path, m.idempotencyKey, m.body])).toEqual([
      ['/slack', 'INC-1:first', { text: 'first' }],
      ['/slack', 'INC-1:second', { text: 'second' }],
    ]);
    expect(sandbox.inbox.list()).toHaveLength(2);
    await (await request(`${sandbox.httpUrl}/_sandbox/inbox`, { method: 'DELETE' })).body.dump();
    expect(sandbox.inbox.list()).toEqual([]);
  });
});
