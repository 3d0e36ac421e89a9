/**
 * The tracing port on its own: off without an endpoint (the SDK is never loaded and `span` just runs the
 * function), spans with their attributes, status and nesting at a real OTLP/HTTP receiver when on, and a
 * collector that is not there costs one warning and nothing else.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonLogger, LogFields } from '../daemon/logger.js';
import { eventually } from '../daemon/test-support/daemon-workspace.js';
import { startOtlpReceiver, type OtlpReceiver } from './test-support/otlp-receiver.js';
import { createTracing, noopTracing, parseOtlpHeaders, tracesUrl } from './tracing.js';

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function recordingLogger(): DaemonLogger & { warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  return {
    warnings,
    info: () => undefined,
    warn: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }),
    error: () => undefined,
  };
}

/** A port that was just free and is closed again: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createTracing', () => {
  it('is the no-op without an endpoint: the SDK is not loaded and span runs the function directly', async () => {
    let loaded = 0;
    const load = () => {
      loaded += 1;
      return Promise.reject(new Error('the SDK must not be loaded'));
    };
    const tracing = await createTracing(
      { OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' },
      { load },
    );
    expect(tracing).toBe(noopTracing);
    expect(tracing.enabled).toBe(false);
    expect(loaded).toBe(0);
    const value = await tracing.span('check a/b', { 'lifeline.check': 'b' }, (span) => {
      span.setAttributes({ outcome: 'x' });
      span.fail('nothing');
      return Promise.resolve(42);
    });
    expect(value).toBe(42);
    await expect(tracing.span('x', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await tracing.shutdown();
  });

  it('reads the endpoint and headers as the OpenTelemetry spec says', () => {
    expect(tracesUrl({})).toBeUndefined();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/traces');
    expect(
      tracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x',
      }),
    ).toBe('http://t/x');
    expect(parseOtlpHeaders('api-key=a%20b, x-tenant = acme,broken,=v')).toEqual({
      'api-key': 'a b',
      'x-tenant': 'acme',
    });
  });

  it('exports nested spans with attributes, status, service name and headers to an OTLP/HTTP receiver', async () => {
    receiver = await startOtlpReceiver();
    const tracing = await createTracing(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'lifeline-test',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k1',
      },
      { scheduledDelayMillis: 20 },
    );
    expect(tracing.enabled).toBe(true);
    await tracing.span('step p/s', { 'lifeline.step': 's', absent: undefined }, async () => {
      await tracing.span('check i/c', { 'lifeline.check': 'c' }, (span) => {
        span.setAttributes({ 'lifeline.result.ok': false, 'http.response.status_code': 503 });
        span.fail('server-error');
        return Promise.resolve();
      });
    });
    await expect(tracing.span('deliver hook', {}, () => Promise.reject(new Error('no')))).rejects.toThrow();
    const spans = await eventually(
      () => (receiver!.spans.length >= 3 ? receiver!.spans : undefined),
      5000,
      'spans',
    );
    await tracing.shutdown();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    expect(byName('step p/s').attributes).toEqual({ 'lifeline.step': 's' });
    expect(byName('check i/c')).toMatchObject({
      attributes: { 'lifeline.check': 'c', 'lifeline.result.ok': false, 'http.response.status_code': 503 },
      statusCode: 2,
      parentSpanId: byName('step p/s').spanId,
      serviceName: 'lifeline-test',
    });
    expect(byName('deliver hook').statusCode).toBe(2);
    expect(byName('check i/c').headers['x-collector-key']).toBe('k1');
  });

  it('with no collector listening, runs spans normally, warns once, and shuts down within its timeout', async () => {
    const logger = recordingLogger();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const tracing = await createTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `${url}?token=secret` },
      { logger, scheduledDelayMillis: 10, exportTimeoutMillis: 500, shutdownTimeoutMillis: 1000 },
    );
    for (let i = 0; i < 3; i += 1) {
      expect(await tracing.span(`check i/c${i}`, {}, () => Promise.resolve(i))).toBe(i);
      await eventually(() => (logger.warnings.length > 0 ? true : undefined), 5000, 'a warning');
    }
    const started = Date.now();
    await tracing.shutdown();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/exporting traces failed/);
    expect(JSON.stringify(logger.warnings)).not.toContain('secret');
  });
});
