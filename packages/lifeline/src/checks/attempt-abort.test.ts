// The cheap per-attempt abort: its AbortSignal follows it whenever it is made, undici requests given it are cut
// off, and a context copied for a foreign kind keeps a working signal.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptAbort, AttemptContext, detachedContext, requestSignalOf } from './attempt-abort.js';
import { sendRequest } from './request/send.js';
import { startTestServer, type TestServer } from './test-support/servers.js';
import { testContext, testIntegration } from './test-support/workspace.js';

let server: TestServer;
let agent: Agent;

beforeAll(async () => {
  // Answers only /fast; anything else hangs until the client gives up.
  server = await startTestServer((request, response) => {
    if (request.url === '/fast') response.end('ok');
  });
  agent = new Agent();
});
afterAll(async () => {
  await agent.destroy();
  await server.close();
});

function baseContext(): ConstructorParameters<typeof AttemptContext>[0] {
  const { signal: _signal, ...base } = testContext(testIntegration({ baseUrl: server.url }));
  return base;
}

describe('AttemptAbort', () => {
  it('a signal made before the abort follows it, one made after is already aborted', () => {
    const reason = new Error('timed out');
    const early = new AttemptAbort();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);

    const late = new AttemptAbort();
    late.abort(reason);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(reason);
  });

  it('aborts once: a second abort changes neither the reason nor calls listeners again', () => {
    const abort = new AttemptAbort();
    let calls = 0;
    abort.on('abort', () => (calls += 1));
    abort.abort('first');
    abort.abort('second');
    expect(calls).toBe(1);
    expect(abort.reason).toBe('first');
  });

  it('cuts off an undici request in flight, with its reason', async () => {
    const abort = new AttemptAbort();
    const url = new URL(`${server.url}/hang`);
    const sending = sendRequest(
      { method: 'GET', url, headers: {}, dispatcher: agent },
      { signal: abort, timeoutMs: 50, maxBytes: 1000 },
    );
    setTimeout(() => abort.abort(Object.assign(new Error('no response'), { name: 'TimeoutError' })), 20);
    const sent = await sending;
    expect(sent).toMatchObject({ ok: false, outcome: { class: 'timeout' } });
  });

  it('a request that completes leaves no listener behind', async () => {
    const abort = new AttemptAbort();
    const url = new URL(`${server.url}/fast`);
    const sent = await sendRequest(
      { method: 'GET', url, headers: {}, dispatcher: agent },
      { signal: abort, timeoutMs: 1000, maxBytes: 1000, keepBody: false },
    );
    expect(sent).toMatchObject({ ok: true, response: { status: 200 } });
    expect(sent.ok && sent.response.body.length).toBe(0);
    expect(abort.listenerCount('abort')).toBe(0);
  });
});

describe('AttemptContext', () => {
  it('gives request code the attempt abort and kinds a standard signal', () => {
    const abort = new AttemptAbort();
    const context = new AttemptContext(baseContext(), abort);
    expect(requestSignalOf(context)).toBe(abort);
    expect(context.signal).toBeInstanceOf(AbortSignal);
    abort.abort('stop');
    expect(context.signal.aborted).toBe(true);
  });

  it('a detached copy has its signal as a plain property, so spreading it keeps the signal', () => {
    const abort = new AttemptAbort();
    const detached = detachedContext(new AttemptContext(baseContext(), abort));
    const spread = { ...detached };
    expect(spread.signal).toBeInstanceOf(AbortSignal);
    abort.abort('stop');
    expect(spread.signal.aborted).toBe(true);
    expect(requestSignalOf(detached)).toBe(detached.signal);
  });
});
