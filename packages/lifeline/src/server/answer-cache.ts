/**
 * The bytes of list answers, kept per URL with the revision they were computed at: the integrations overview and
 * the incidents list are read by every open dashboard and poller and change far less often than they are read, so
 * an unchanged list is sent again without being recomputed or serialised. The same revision gives the answer its
 * ETag, so a client that sends `If-None-Match` with the current one gets a 304 without a body.
 *
 * A revision is the service's word that nothing the answer depends on has changed (`IncidentService.revision`,
 * `ReadService.integrationsRevision`). Read it *before* computing the answer: a change made meanwhile then makes a
 * stored answer look older than it is, never newer. The least recently used answers are dropped past a budget.
 *
 * @example
 * const answers = new AnswerCache();
 * app.get('/api/v1/incidents', opts, (request, reply) =>
 *   answers.send(request, reply, service.revision(), () => service.listIncidents(request.query)));
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isProblem } from './read-routes-common.js';
import type { Problem } from './problem.js';
import { sendProblem } from './send-problem.js';

/** Bytes of answers kept per cache; a page of 1,000 integrations is ~0.5 MB. */
export const DEFAULT_ANSWER_BUDGET_BYTES = 16 * 1024 * 1024;

interface Answer {
  revision: string;
  etag: string;
  body: Buffer;
}

export class AnswerCache {
  readonly #answers = new Map<string, Answer>();
  readonly #budget: number;
  #bytes = 0;
  /** Revisions start again with each daemon run: this keeps one run's ETags from matching another's. */
  readonly #run = randomBytes(6).toString('base64url');

  constructor(options: { budgetBytes?: number } = {}) {
    this.#budget = options.budgetBytes ?? DEFAULT_ANSWER_BUDGET_BYTES;
  }

  /**
   * Answers `request` (a GET of a JSON list) at `revision`: the stored bytes when they are of this revision, else
   * `compute()`'s answer, serialised by the route's schema and stored; 304 instead when `If-None-Match` names the
   * answer's ETag. A `Problem` from `compute` is sent as such and not stored.
   */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    revision: string,
    compute: () => Promise<object>,
  ): Promise<FastifyReply> {
    const key = request.url;
    let answer = this.#answers.get(key);
    if (answer?.revision === revision) {
      // Most recently used last: the map's order is the eviction order.
      this.#answers.delete(key);
      this.#answers.set(key, answer);
    } else {
      const payload = await compute();
      if (isProblem(payload)) return sendProblem(reply, payload as Problem);
      answer = {
        revision,
        etag: `W/"${this.#run}.${revision}"`,
        body: Buffer.from(reply.serialize(payload) as string, 'utf8'),
      };
      this.#store(key, answer);
    }
    reply.header('etag', answer.etag).header('cache-control', CACHE_CONTROL);
    if (namesEtag(request.headers['if-none-match'], answer.etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(answer.body);
  }

  #store(key: string, answer: Answer): void {
    const previous = this.#answers.get(key);
    if (previous) {
      this.#answers.delete(key);
      this.#bytes -= previous.body.length;
    }
    // One answer may not take more than a quarter of the budget: it would push out everything else.
    if (answer.body.length > this.#budget / 4) return;
    this.#answers.set(key, answer);
    this.#bytes += answer.body.length;
    for (const [oldest, old] of this.#answers) {
      if (this.#bytes <= this.#budget) break;
      this.#answers.delete(oldest);
      this.#bytes -= old.body.length;
    }
  }
}

/** Clients may keep the answer but must ask again (with `If-None-Match`) before using it. */
const CACHE_CONTROL = 'private, no-cache';

/** `If-None-Match` (a list of entity tags, or `*`) names `etag`, compared weakly as RFC 9110 asks for GET. */
function namesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === opaque;
  });
}
