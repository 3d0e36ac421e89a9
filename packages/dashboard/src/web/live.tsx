/**
 * Live updates from `GET /api/v1/events` (server-sent events). Read with `fetch` rather than `EventSource` so the
 * bearer token goes in the Authorization header like every other request (never in a URL, where logs keep it).
 * It reconnects with `Last-Event-ID` after a drop; a `reset` event, or a reconnect the daemon could not resume,
 * tells the views to refetch everything.
 */
import { useEffect, useState } from 'preact/hooks';
import { authHeaders } from './api';

export type LiveEventType = 'incident' | 'check-status' | 'integration-status' | 'reset';
export interface LiveMessage {
  type: LiveEventType;
  data: Record<string, unknown>;
}
export type LiveState = 'connecting' | 'live' | 'offline';

type Listener = (message: LiveMessage) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
let state: LiveState = 'connecting';

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function emit(message: LiveMessage): void {
  for (const listener of listeners) listener(message);
}

/** Parses one SSE block (`event:`, `data:`, `id:` lines). */
function parseBlock(block: string): { event: string; data: string; id?: string } | undefined {
  let event = 'message';
  const data: string[] = [];
  let id: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length > 0 || event !== 'message'
    ? { event, data: data.join('\n'), ...(id ? { id } : {}) }
    : undefined;
}

/** Starts the connection; returns how to stop it (sign-out). */
export function startLive(): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;
  let delayMs = 500;

  const run = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      setState('connecting');
      try {
        const response = await fetch('/api/v1/events', {
          headers: {
            accept: 'text/event-stream',
            ...authHeaders(),
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        setState('live');
        // Anything may have happened while we were away.
        if (lastId !== undefined) emit({ type: 'reset', data: {} });
        delayMs = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const block = parseBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (!block) continue;
            if (block.id) lastId = block.id;
            const type = block.event as LiveEventType;
            let data: Record<string, unknown> = {};
            try {
              data = block.data ? (JSON.parse(block.data) as Record<string, unknown>) : {};
            } catch {
              continue;
            }
            emit({ type, data });
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      setState('offline');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 15_000);
    }
  };
  void run();
  return () => controller.abort();
}

/** Calls `onMessage` for each live event while the component is mounted. */
export function useLive(onMessage: Listener): void {
  useEffect(() => {
    listeners.add(onMessage);
    return () => void listeners.delete(onMessage);
  }, [onMessage]);
}

export function useLiveState(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    stateListeners.add(setCurrent);
    return () => void stateListeners.delete(setCurrent);
  }, []);
  return current;
}
