/**
 * The `http` check kind: requests an endpoint as declared (auth, API version, path params, query, body) and
 * judges the response — status (the declared list, else any 2xx), expected headers, JSON-pointer body
 * assertions, then latency against `degradedLatency` / `maxLatency` (both `slow`; see `classify.ts`). The
 * order matters: a wrong status says more than a wrong body, and a wrong body more than a slow one.
 */
import type { Check } from '../../workspace/model.js';
import type { CheckKindRunner, CheckOutcome, CheckRunContext } from '../check-kind.js';
import { classifyLatency, classifyStatus, statusAccepted } from '../classify.js';
import { findEndpoint } from '../endpoint.js';
import { exchange } from '../request/exchange.js';
import { parseJsonBody } from '../request/json-body.js';
import type { RequestDeps } from '../request/request-deps.js';
import type { ReceivedResponse } from '../request/send.js';
import { formatDuration } from '../../workspace/values.js';
import { bodyFailures, headerFailures } from './assertions.js';

export type HttpCheck = Extract<Check, { kind: 'http' }>;

/** At most this many assertion failures are spelled out in the message. */
const MAX_LISTED = 3;

/**
 * @example
 *   const http = createHttpCheck(createRequestDeps());
 *   const outcome = await http.run(check, context); // { class: 'ok', status: 200, message: '200 in 84ms' }
 */
export function createHttpCheck(deps: RequestDeps): CheckKindRunner<'http'> {
  return new HttpCheckRunner(deps);
}

/** A class, so that every registry's http runner shares one `run` function (and the JIT's work on it). */
class HttpCheckRunner implements CheckKindRunner<'http'> {
  readonly kind = 'http';
  readonly #deps: RequestDeps;

  constructor(deps: RequestDeps) {
    this.#deps = deps;
  }

  run(check: HttpCheck, context: CheckRunContext): Promise<CheckOutcome> {
    return runHttpCheck(check, context, this.#deps);
  }
}

async function runHttpCheck(
  check: HttpCheck,
  context: CheckRunContext,
  deps: RequestDeps,
): Promise<CheckOutcome> {
  const found = findEndpoint(context.integration, check.endpoint);
  if (!found.ok) return found.outcome;
  const endpoint = found.endpoint;
  const expect = check.expect;
  const readsBody = expect?.body !== undefined && expect.body.length > 0;
  const target = { integration: context.integration, endpoint, request: check.request };
  // Without body assertions the body is read to its end (latency, size cap) but neither kept nor parsed.
  const exchanged = await exchange(target, context, deps, { keepBody: readsBody });
  if (!exchanged.ok) return exchanged.outcome;
  const response = exchanged.response;
  const judged = judgeResponse(check, response, endpoint.safeFields, context.now());
  judged.status = response.status;
  judged.latencyMs = response.latencyMs;
  return judged;
}

/** Status, then headers and body, then latency. Always a fresh outcome object. */
function judgeResponse(
  check: HttpCheck,
  response: ReceivedResponse,
  safeFields: readonly string[] | undefined,
  now: number,
): CheckOutcome {
  const expect = check.expect ?? {};
  if (!statusAccepted(response.status, expect.status)) {
    const retryAfter = response.headers['retry-after'];
    return classifyStatus(response.status, {
      now,
      ...(expect.status === undefined ? {} : { expected: expect.status }),
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  const failures = expect.headers === undefined ? [] : headerFailures(expect.headers, response.headers);
  if (expect.body !== undefined && expect.body.length > 0) {
    const body = parseJsonBody(response);
    if (!body.ok) return { ...body.outcome };
    failures.push(...bodyFailures(expect.body, body.value, safeFields));
  }
  if (failures.length > 0) return assertionFailed(failures);
  const slow = classifyLatency(response.latencyMs, expect);
  if (slow !== undefined) return { ...slow, message: `${response.status} ${slow.message}` };
  return { class: 'ok', message: `${response.status} in ${formatDuration(Math.round(response.latencyMs))}` };
}

function assertionFailed(failures: readonly string[]): CheckOutcome {
  const listed = failures.slice(0, MAX_LISTED).join('; ');
  const more = failures.length > MAX_LISTED ? ` (+${failures.length - MAX_LISTED} more)` : '';
  const noun = failures.length === 1 ? 'assertion failed' : `${failures.length} assertions failed`;
  return { class: 'assertion', errorCode: 'assertion-failed', message: `${noun}: ${listed}${more}` };
}
