/**
 * Test-only: the parts of Jira Cloud REST API v3 the channel uses: create issue, add comment, get and do
 * transitions. Checks basic auth, validates bodies against the published format (ADF included), and keeps
 * issues with their comments, priority and status.
 *
 * Format encoded from the Jira Cloud REST v3 reference (https://developer.atlassian.com/cloud/jira/platform/rest/
 * v3/api-group-issues/, .../api-group-issue-comments/) and the Atlassian Document Format structure
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/, nodes paragraph, bulletList,
 * listItem, text with marks strong/em/code/link; text never empty).
 */
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver, type HttpRequest } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

const TEXT = {
  type: 'object',
  required: ['type', 'text'],
  additionalProperties: false,
  properties: {
    type: { const: 'text' },
    text: { type: 'string', minLength: 1 },
    marks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: { enum: ['strong', 'em', 'code', 'link', 'strike', 'underline'] },
          attrs: { type: 'object' },
        },
      },
    },
  },
};
const PARAGRAPH = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { const: 'paragraph' },
    content: {
      type: 'array',
      items: {
        oneOf: [TEXT, { type: 'object', required: ['type'], properties: { type: { const: 'hardBreak' } } }],
      },
    },
  },
};
const BULLET_LIST = {
  type: 'object',
  required: ['type', 'content'],
  additionalProperties: false,
  properties: {
    type: { const: 'bulletList' },
    content: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'content'],
        additionalProperties: false,
        properties: {
          type: { const: 'listItem' },
          content: { type: 'array', minItems: 1, items: PARAGRAPH },
        },
      },
    },
  },
};
export const ADF_DOC_SCHEMA = {
  type: 'object',
  required: ['type', 'version', 'content'],
  additionalProperties: false,
  properties: {
    type: { const: 'doc' },
    version: { const: 1 },
    content: { type: 'array', items: { oneOf: [PARAGRAPH, BULLET_LIST] } },
  },
};
export const JIRA_CREATE_ISSUE_SCHEMA = {
  type: 'object',
  required: ['fields'],
  properties: {
    fields: {
      type: 'object',
      required: ['project', 'issuetype', 'summary'],
      properties: {
        project: { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1 } } },
        issuetype: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1 } },
        },
        summary: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\n\\r]*$' },
        description: ADF_DOC_SCHEMA,
        priority: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        labels: { type: 'array', items: { type: 'string', pattern: '^\\S+$' } },
      },
    },
  },
};
const checkCreate = schemaCheck(JIRA_CREATE_ISSUE_SCHEMA, 'jira create issue');
const checkComment = schemaCheck(
  { type: 'object', required: ['body'], properties: { body: ADF_DOC_SCHEMA } },
  'jira comment',
);
const checkTransition = schemaCheck(
  {
    type: 'object',
    required: ['transition'],
    properties: {
      transition: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      update: {
        type: 'object',
        properties: {
          comment: {
            type: 'array',
            items: {
              type: 'object',
              required: ['add'],
              properties: {
                add: { type: 'object', required: ['body'], properties: { body: ADF_DOC_SCHEMA } },
              },
            },
          },
        },
      },
    },
  },
  'jira transition',
);

export interface JiraIssue {
  key: string;
  fields: Record<string, unknown>;
  comments: unknown[];
  status: string;
}

export interface JiraReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  issues: Map<string, JiraIssue>;
}

const TRANSITIONS = [
  { id: '11', name: 'To Do', to: { name: 'To Do' } },
  { id: '21', name: 'In Progress', to: { name: 'In Progress' } },
  { id: '31', name: 'Done', to: { name: 'Done' } },
];

export async function startJiraReceiver(auth: { username: string; token: string }): Promise<JiraReceiver> {
  const issues = new Map<string, JiraIssue>();
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.token}`).toString('base64')}`;
  const handle = (request: HttpRequest) => {
    if (request.headers.authorization !== expected)
      return { answer: { status: 401, body: { errorMessages: ['Unauthorized'] } } };
    const delivery = { key: request.key, text: request.raw };
    if (request.method === 'POST' && request.path === '/rest/api/3/issue') {
      const violations = checkCreate(request.json);
      if (violations.length > 0) return { answer: { status: 400, body: { errors: violations } }, violations };
      const fields = (request.json as { fields: Record<string, unknown> & { project: { key: string } } })
        .fields;
      const key = `${fields.project.key}-${issues.size + 1}`;
      issues.set(key, { key, fields, comments: [], status: 'To Do' });
      return {
        answer: {
          status: 201,
          body: { id: String(10000 + issues.size), key, self: `/rest/api/3/issue/${key}` },
        },
        delivery,
      };
    }
    const match = /^\/rest\/api\/3\/issue\/([^/]+)\/(comment|transitions)$/.exec(request.path);
    const issue = match ? issues.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !issue)
      return { answer: { status: 404, body: { errorMessages: ['Issue does not exist'] } } };
    if (match[2] === 'comment' && request.method === 'POST') {
      const violations = checkComment(request.json);
      if (violations.length > 0) return { answer: { status: 400, body: { errors: violations } }, violations };
      issue.comments.push((request.json as { body: unknown }).body);
      return { answer: { status: 201, body: { id: String(issue.comments.length) } }, delivery };
    }
    if (request.method === 'GET') return { answer: { status: 200, body: { transitions: TRANSITIONS } } };
    const violations = checkTransition(request.json);
    const body = request.json as {
      transition: { id: string };
      update?: { comment?: { add: { body: unknown } }[] };
    };
    const target = TRANSITIONS.find((t) => t.id === body.transition?.id);
    if (violations.length > 0 || !target)
      return { answer: { status: 400, body: { errors: violations } }, violations };
    issue.status = target.to.name;
    for (const c of body.update?.comment ?? []) issue.comments.push(c.add.body);
    return { answer: { status: 204 }, delivery };
  };
  // A refusal echoes the decoded credentials, so tests prove the channel's errors redact the token.
  const http = await startHttpReceiver(handle, (r) =>
    Buffer.from(String(r.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8'),
  );
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
