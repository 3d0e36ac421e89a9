/**
 * The HTTP API's logger for a daemon: fastify logs through pino, the daemon through its `DaemonLogger` port, so
 * this pino writes its warnings and errors (failed authentications, a 500's error with the request id its problem
 * names) as the daemon's log lines. Request lines (`info`) are left out: at thousands of requests a second they
 * would drown everything else.
 *
 * @example
 * const server = createServer({ service, logger: apiLogger(terminalLogger(output)) });
 */
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { DaemonLogger, LogFields } from '../daemon/logger.js';

/** pino's numeric level of `error`: at or above it a line goes to `DaemonLogger.error`. */
const PINO_ERROR = 50;

export function apiLogger(logger: DaemonLogger): FastifyBaseLogger {
  return pino(
    { level: 'warn', base: undefined, timestamp: false },
    {
      write(line: string) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          logger.warn(line.trim());
          return;
        }
        const { level, msg, ...fields } = entry;
        const message = typeof msg === 'string' ? msg : 'API';
        if (typeof level === 'number' && level >= PINO_ERROR) logger.error(message, fields as LogFields);
        else logger.warn(message, fields as LogFields);
      },
    },
  );
}
