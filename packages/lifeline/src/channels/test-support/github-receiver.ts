/**
 * Test-only: the parts of the GitHub REST API (2022-11-28) the channel uses: create an issue, comment on it,
 * update its state. Checks the bearer token and the headers GitHub requires, validates bodies against the
 * published format and keeps issues with their comments and state.
 *
 * Format encoded from GitHub's REST reference (https://docs.github.com/rest/issues/issues#create-an-issue,
 * .../comments#create-an-issue-comment, .../issues#update-an-issue).
 */
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver, type HttpRequest } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

export const GITHUB_CREATE_ISSUE_SCHEMA = {
  type: 'object',
  required: ['title'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1 },
    body: { type: 'string', maxLength: 65536 },
    labels: { type: 'array', items: { type: 'string', minLength: 1 } },
    assignees: { type: 'array', items: { type: 'string' } },
    milestone: { type: ['string', 'integer', 'null'] },
  },
};
export const GITHUB_COMMENT_SCHEMA = {
  type: 'object',
  required: ['body'],
  additionalProperties: false,
  properties: { body: { type: 'string', minLength: 1, maxLength: 65536 } },
};
export const GITHUB_UPDATE_ISSUE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string' },
    body: { type: 'string' },
    state: { enum: ['open', 'closed'] },
    state_reason: { enum: ['completed', 'not_planned', 'duplicate', 'reopened', null] },
    labels: { type: 'array' },
  },
};
const checks = {
  create: schemaCheck(GITHUB_CREATE_ISSUE_SCHEMA, 'github create issue'),
  comment: schemaCheck(GITHUB_COMMENT_SCHEMA, 'github comment'),
  update: schemaCheck(GITHUB_UPDATE_ISSUE_SCHEMA, 'github update issue'),
};

export interface GithubIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  comments: string[];
  state: 'open' | 'closed';
  stateReason?: string;
}

export interface GithubReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  issues: Map<number, GithubIssue>;
}

export async function startGithubReceiver(options: {
  repository: string;
  token: string;
}): Promise<GithubReceiver> {
  const issues = new Map<number, GithubIssue>();
  const base = `/repos/${options.repository}/issues`;
  const handle = (request: HttpRequest) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return { answer: { status: 401, body: { message: 'Bad credentials' } } };
    }
    const problems: string[] = [];
    if (request.headers.accept !== 'application/vnd.github+json')
      problems.push('github: Accept is not application/vnd.github+json');
    if (!request.headers['user-agent']) problems.push('github: no User-Agent');
    const delivery = { key: request.key, text: request.raw };
    const refuse = (violations: string[]) => ({
      answer: { status: 422, body: { message: 'Validation Failed', errors: violations } },
      violations,
    });
    if (request.method === 'POST' && request.path === base) {
      const violations = [...problems, ...checks.create(request.json)];
      if (violations.length > 0) return refuse(violations);
      const body = request.json as { title: string; body?: string; labels?: string[] };
      const number = issues.size + 1;
      issues.set(number, {
        number,
        title: body.title,
        body: body.body ?? '',
        labels: body.labels ?? [],
        comments: [],
        state: 'open',
      });
      return {
        answer: {
          status: 201,
          body: {
            number,
            html_url: `https://github.test/${options.repository}/issues/${number}`,
            state: 'open',
          },
        },
        delivery,
      };
    }
    const match = new RegExp(`^${base}/(\\d+)(/comments)?$`).exec(request.path);
    const issue = match ? issues.get(Number(match[1])) : undefined;
    if (!match || !issue) return { answer: { status: 404, body: { message: 'Not Found' } } };
    if (match[2] && request.method === 'POST') {
      const violations = [...problems, ...checks.comment(request.json)];
      if (violations.length > 0) return refuse(violations);
      issue.comments.push((request.json as { body: string }).body);
      return { answer: { status: 201, body: { id: issue.comments.length } }, delivery };
    }
    if (!match[2] && request.method === 'PATCH') {
      const violations = [...problems, ...checks.update(request.json)];
      if (violations.length > 0) return refuse(violations);
      const body = request.json as { state?: 'open' | 'closed'; state_reason?: string };
      if (body.state) issue.state = body.state;
      if (body.state_reason) issue.stateReason = body.state_reason;
      return { answer: { status: 200, body: { number: issue.number, state: issue.state } }, delivery };
    }
    return { answer: { status: 404, body: { message: 'Not Found' } } };
  };
  const http = await startHttpReceiver(handle);
  return {
    http,
    issues,
    deliveries: () => http.deliveries,
    violations: () => http.violations,
    transcript: () => transcriptOf(http.requests),
    fail: (...failures) => http.fail(...failures),
    close: () => http.close(),
  };
}
