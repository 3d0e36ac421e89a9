/**
 * `GET /api/v1/events`: the daemon's live events as Server-Sent Events, for the dashboard and anyone who wants
 * to follow incidents and check statuses without polling (docs/api.md "Live events"). A client resumes with
 * `Last-Event-ID` (or `?lastEventId=`, since a browser's first `EventSource` request cannot set headers) and
 * gets exactly the events it missed, or a `reset` event when they are gone. `?types=` picks event types.
 *
 * A browser `EventSource` cannot send `Authorization` either, so this route alone also takes the API token as
 * `?access_token=` (`tokenInQuery`); its request lines are not logged, so the token never reaches a log.
 *
 * A client that stops reading is dropped once `maxBufferedBytes` wait for it, rather than buffered without
 * end; it resumes from its last id when it reconnects. Closing the server ends every stream first, so
 * `close()` does not wait on them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { EventHub, HubSignal, Resume } from '../events/event-hub.js';
import {
  isLiveEventType,
  LIVE_EVENT_TYPES,
  type LiveEvent,
  type LiveEventType,
} from '../events/live-event.js';
import { assertNever } from '../engine/assert-never.js';
import { API_PREFIX } from './command-actions.js';
import { problemOf } from './problem.js';
import { sendProblem } from './send-problem.js';

export const EVENTS_URL = `${API_PREFIX}/events`;
/** Bytes waiting for a client before it is dropped (default 1 MiB: thousands of events). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long a client waits before reconnecting after the stream ends, told to `EventSource` by `retry:`. */
const RETRY_MS = 3000;

export interface EventRouteOptions {
  maxBufferedBytes?: number;
}

const EVENTS_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    lastEventId: {
      type: 'string',
      maxLength: 200,
      description: 'Resume after this event id (as the `Last-Event-ID` header, which wins).',
    },
    types: {
      type: 'string',
      maxLength: 200,
      description: `Comma-separated event types to send (default all): ${LIVE_EVENT_TYPES.join(', ')}.`,
    },
    access_token: {
      type: 'string',
      maxLength: 200,
      description:
        'The API token, for a browser `EventSource` (which cannot send `Authorization`); this route only.',
    },
  },
  additionalProperties: false,
} as const;

interface EventsRoute {
  Querystring: { lastEventId?: string; types?: string; access_token?: string };
}

export function registerEventRoutes(
  app: FastifyInstance,
  hub: EventHub,
  options: EventRouteOptions = {},
): void {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const open = new Set<() => void>();
  // Before the server stops accepting: end every stream, or `close()` would wait for them forever.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get<EventsRoute>(
    EVENTS_URL,
    {
      schema: {
        summary: 'Live events (Server-Sent Events): incidents, check and integration status changes',
        tags: ['events'],
        querystring: EVENTS_QUERY_SCHEMA,
      },
      config: { permission: 'read', tokenInQuery: true },
      // The URL may hold `access_token`: no request line of this route is logged (warnings still are).
      logLevel: 'warn',
    },
    async (request, reply) => {
      const types = parseTypes(request.query.types);
      if (typeof types === 'string') {
        return sendProblem(reply, problemOf('invalid-request', types, { field: 'types', in: 'querystring' }));
      }
      stream(request, reply, types);
    },
  );

  function stream(
    request: FastifyRequest<EventsRoute>,
    reply: FastifyReply,
    types: ReadonlySet<LiveEventType>,
  ) {
    const header = request.headers['last-event-id'];
    const lastEventId = (typeof header === 'string' ? header : undefined) ?? request.query.lastEventId;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      subscription.close();
      open.delete(end);
    };
    const end = () => {
      finish();
      endStream(raw);
    };
    const write = (text: string) => {
      if (done) return;
      raw.write(text);
      if (raw.writableLength > maxBuffered) {
        request.log.warn(
          { client: request.ip, buffered: raw.writableLength },
          'live-event client does not keep up; dropped',
        );
        finish();
        raw.destroy();
      }
    };
    const subscription = hub.open(lastEventId, (signal: HubSignal) => {
      switch (signal.kind) {
        case 'event':
          if (types.has(signal.event.type)) write(eventText(signal.event));
          return;
        case 'heartbeat':
          write(': heartbeat\n\n');
          return;
        case 'closed':
          end();
          return;
        default:
          assertNever(signal, 'hub signal');
      }
    });
    open.add(end);
    raw.on('close', finish);
    write(`: lifeline live events\nretry: ${RETRY_MS}\n\n`);
    writeResume(subscription.resume, types, write);
  }
}

function writeResume(resume: Resume, types: ReadonlySet<LiveEventType>, write: (text: string) => void): void {
  switch (resume.kind) {
    case 'live':
      return;
    case 'replay':
      for (const event of resume.events) if (types.has(event.type)) write(eventText(event));
      return;
    case 'reset':
      write(
        `id: ${resume.lastEventId}\nevent: reset\ndata: ${JSON.stringify({ reason: resume.reason, lastEventId: resume.lastEventId })}\n\n`,
      );
      return;
    default:
      assertNever(resume, 'resume');
  }
}

/** One SSE message; JSON keeps `data` on one line. */
function eventText(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The types asked for, all without `types`; a message for a list naming an unknown type or none. */
function parseTypes(text: string | undefined): ReadonlySet<LiveEventType> | string {
  if (text === undefined) return new Set(LIVE_EVENT_TYPES);
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !isLiveEventType(name));
  if (unknown.length > 0 || names.length === 0) {
    const what =
      unknown.length > 0
        ? `unknown event type ${unknown.map((n) => `\`${n}\``).join(', ')}`
        : 'no event type';
    return `query parameter \`types\` names ${what}; known: ${LIVE_EVENT_TYPES.join(', ')}`;
  }
  return new Set(names.filter(isLiveEventType));
}

/** Ends the stream and its connection: a client still holding unread bytes is cut off rather than waited for. */
function endStream(raw: ServerResponse): void {
  const socket = raw.socket;
  if (raw.writableLength > 0) {
    raw.destroy();
    return;
  }
  raw.end(() => socket?.destroy());
}
