/**
 * Traces of what Lifeline does (checks, playbook steps, deliveries) for an OpenTelemetry collector, and nothing
 * at all when no collector is configured. This is the small port the daemon sees (architecture §5.3): spans by
 * name and attributes, and a shutdown that flushes. The SDK behind it (`otlp-tracing.ts`) is imported lazily,
 * only when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, so a daemon without
 * tracing loads none of it and starts no slower.
 *
 * @example
 *   const tracing = await createTracing(process.env, { logger });
 *   const result = await tracing.span('check payments/charges-up', { 'lifeline.check': 'charges-up' }, (span) =>
 *     runTheCheck(),
 *   );
 *   await tracing.shutdown();
 */
import type { DaemonLogger } from '../daemon/logger.js';

export type SpanAttributeValue = string | number | boolean;
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue | undefined>>;

/** The span a traced function runs in: it may add attributes and mark itself failed. */
export interface TraceSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span's status ERROR, with a short reason (no secrets, no URLs with queries). */
  fail(reason: string): void;
}

export interface Tracing {
  /** True when spans leave the process. */
  readonly enabled: boolean;
  /**
   * Runs `fn` inside a span named `name`; the span ends when `fn` settles (a rejection marks it ERROR and is
   * passed on unchanged). Spans started inside `fn` are its children.
   */
  span<T>(name: string, attributes: SpanAttributes, fn: (span: TraceSpan) => Promise<T>): Promise<T>;
  /** Exports what is buffered (waiting at most the flush timeout) and stops; spans after it are not exported. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  logger?: DaemonLogger;
  /** How long spans are buffered before a batch is sent (default the SDK's, 5 s; tests shrink it). */
  scheduledDelayMillis?: number;
  /** How long one export may take before it is abandoned (default 10 s). */
  exportTimeoutMillis?: number;
  /** How long `shutdown` waits for the last export (default 5 s). */
  shutdownTimeoutMillis?: number;
  /** Between two warnings about failed exports (default 5 min): a collector that is down is reported once. */
  warnEveryMillis?: number;
  /** Loads the SDK-backed implementation; replaced only by tests that prove it is not loaded. */
  load?: () => Promise<{ createOtlpTracing: (config: OtlpTracingConfig) => Tracing }>;
}

/** What the SDK-backed implementation is given: everything read from the environment, resolved. */
export interface OtlpTracingConfig {
  /** Full URL of the traces endpoint (`…/v1/traces`). */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
  logger?: DaemonLogger;
  scheduledDelayMillis?: number;
  exportTimeoutMillis: number;
  shutdownTimeoutMillis: number;
  warnEveryMillis: number;
}

const NOOP_SPAN: TraceSpan = { setAttributes: () => undefined, fail: () => undefined };

/** Tracing that traces nothing: `span` calls `fn` at once. */
export const noopTracing: Tracing = {
  enabled: false,
  span: (_name, _attributes, fn) => fn(NOOP_SPAN),
  shutdown: () => Promise.resolve(),
};

/**
 * Tracing as the environment asks for it: the no-op without an OTLP endpoint, otherwise spans exported over
 * OTLP/HTTP (JSON) with `service.name` = `OTEL_SERVICE_NAME` or `lifeline` and the `OTEL_EXPORTER_OTLP_HEADERS`.
 */
export async function createTracing(
  env: Readonly<Record<string, string | undefined>>,
  options: TracingOptions = {},
): Promise<Tracing> {
  const url = tracesUrl(env);
  if (url === undefined) return noopTracing;
  const load = options.load ?? (() => import('./otlp-tracing.js'));
  const { createOtlpTracing } = await load();
  return createOtlpTracing({
    url,
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? 'lifeline',
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.scheduledDelayMillis !== undefined
      ? { scheduledDelayMillis: options.scheduledDelayMillis }
      : {}),
    exportTimeoutMillis: options.exportTimeoutMillis ?? 10_000,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? 5000,
    warnEveryMillis: options.warnEveryMillis ?? 300_000,
  });
}

/**
 * The traces URL, as the OpenTelemetry spec reads the variables: the signal-specific one as it is, the general
 * one with `/v1/traces` appended. Undefined when neither is set: tracing is off.
 */
export function tracesUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const traces = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (traces !== undefined) return traces;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, values percent-encoded. */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (key === '') continue;
    try {
      headers[key] = decodeURIComponent(value);
    } catch {
      headers[key] = value;
    }
  }
  return headers;
}

/** A URL fit for a log line: no credentials, no query string. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
