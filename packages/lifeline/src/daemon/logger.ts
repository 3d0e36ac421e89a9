/**
 * The daemon's logging port: one line per thing that happened, with fields. Small on purpose, so the CLI can
 * print to the terminal, a deployment can plug pino in, and tests stay quiet.
 */

export type LogFields = Readonly<Record<string, unknown>>;

export interface DaemonLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: DaemonLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The message of anything thrown, for a log line or a dead letter. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
