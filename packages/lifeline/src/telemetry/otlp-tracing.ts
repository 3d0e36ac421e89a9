/**
 * The OpenTelemetry SDK behind the `Tracing` port: a tracer provider of our own (nothing is registered
 * globally), a batch span processor and the OTLP/HTTP JSON exporter. The only module that imports the SDK, and
 * it is loaded only when tracing is on (see `tracing.ts`).
 *
 * A collector that is down must not hurt the daemon: exports run in the background, a failed one drops its spans
 * and is reported at warn at most once per `warnEveryMillis` (with how many failed since), and `shutdown` waits
 * for the last export no longer than its timeout. Spans nest by async context (an `AsyncLocalStorage` of our own
 * rather than a global context manager), so a check run by a playbook step is that step's child.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { errorText } from '../daemon/logger.js';
import {
  redactedUrl,
  type OtlpTracingConfig,
  type SpanAttributes,
  type TraceSpan,
  type Tracing,
} from './tracing.js';

/** `ExportResultCode.SUCCESS` of @opentelemetry/core (not a direct dependency). */
const EXPORT_SUCCEEDED = 0;

export function createOtlpTracing(config: OtlpTracingConfig, now: () => number = Date.now): Tracing {
  const exporter = new WarningExporter(
    new OTLPTraceExporter({
      url: config.url,
      headers: config.headers,
      timeoutMillis: config.exportTimeoutMillis,
    }),
    (error, failed) =>
      config.logger?.warn('exporting traces failed; spans are dropped until the collector answers', {
        endpoint: redactedUrl(config.url),
        error,
        failedExports: failed,
      }),
    config.warnEveryMillis,
    now,
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        exportTimeoutMillis: config.exportTimeoutMillis,
        ...(config.scheduledDelayMillis !== undefined
          ? { scheduledDelayMillis: config.scheduledDelayMillis }
          : {}),
      }),
    ],
  });
  const tracer = provider.getTracer('lifeline');
  const current = new AsyncLocalStorage<Span>();
  let stopping: Promise<void> | undefined;

  return {
    enabled: true,
    async span(name, attributes, fn) {
      const parent = current.getStore();
      const context = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      const span = tracer.startSpan(name, { attributes: defined(attributes) }, context);
      const handle: TraceSpan = {
        setAttributes: (more) => span.setAttributes(defined(more)),
        fail: (reason) => span.setStatus({ code: SpanStatusCode.ERROR, message: reason }),
      };
      try {
        return await current.run(span, () => fn(handle));
      } catch (error) {
        // The error's name only: a message may quote a URL or a vendor's answer.
        const reason = error instanceof Error ? error.name : 'error';
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
        throw error;
      } finally {
        span.end();
      }
    },
    shutdown() {
      stopping ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, config.shutdownTimeoutMillis);
          timer.unref();
        });
        await Promise.race([provider.shutdown().catch(() => undefined), timeout]);
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/** Passes spans on to the real exporter and reports failed exports, rate-limited, instead of throwing. */
class WarningExporter implements SpanExporter {
  private lastWarnAt: number | undefined;
  private failedSinceWarn = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly warn: (error: string, failed: number) => void,
    private readonly warnEveryMillis: number,
    private readonly now: () => number,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    try {
      this.inner.export(spans, (result) => {
        if (result.code !== EXPORT_SUCCEEDED) this.failed(result.error);
        done(result);
      });
    } catch (error) {
      this.failed(error);
      done({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(error: unknown): void {
    this.failedSinceWarn += 1;
    const at = this.now();
    if (this.lastWarnAt !== undefined && at - this.lastWarnAt < this.warnEveryMillis) return;
    this.lastWarnAt = at;
    const failed = this.failedSinceWarn;
    this.failedSinceWarn = 0;
    this.warn(error === undefined ? 'the collector did not accept the spans' : errorText(error), failed);
  }
}
