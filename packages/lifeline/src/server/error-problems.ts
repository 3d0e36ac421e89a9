/**
 * What the API answers when a request fails outside a handler's own outcomes: invalid input, a body that is not
 * JSON or too large, or an exception. Only fastify's own errors (codes `FST_…`) and the store's errors the caller
 * can act on are trusted to describe a client problem; anything else is a 500 whose detail points to the daemon
 * log, never a message or stack trace that might leak internals.
 */
import { isStoreError } from '../store/store-error.js';
import { problemOf, type FieldError, type FieldLocation, type Problem } from './problem.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: ValidationIssue[];
  validationContext?: FieldLocation;
}

/** The problem to answer for `error`; `requestId` lets an operator find the failure in the daemon log. */
export function problemForError(error: unknown, requestId: string): Problem {
  const e = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  if (Array.isArray(e.validation)) return validationProblem(e.validation, e.validationContext ?? 'body');
  if (isStoreError(error, 'store-invalid-cursor')) {
    return problemOf('invalid-request', 'the cursor is not one this daemon issued; start again without it', {
      field: 'cursor',
      in: 'querystring',
    });
  }
  if (isStoreError(error, 'store-busy')) {
    return problemOf('unavailable', 'the store is busy; retry in a moment');
  }
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (code.startsWith('FST_') && status >= 400 && status < 500)
    return frameworkProblem(code, status, e.message);
  return problemOf('internal', `the daemon failed to handle the request; see its log (request ${requestId})`);
}

function frameworkProblem(code: string, status: number, message: unknown): Problem {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf('payload-too-large', `the body is larger than ${BODY_LIMIT_BYTES / 1024} KB`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problemOf('invalid-request', 'the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problemOf('invalid-request', 'the body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemOf('invalid-request', 'send the body as application/json', { status });
    default:
      return problemOf('invalid-request', typeof message === 'string' ? message : 'invalid request', {
        status,
      });
  }
}

function validationProblem(issues: readonly ValidationIssue[], location: FieldLocation): Problem {
  const errors = issues.map((issue) => fieldError(issue, location));
  const first = errors[0] ?? { field: '', in: location, message: 'is invalid' };
  const where = first.field
    ? `${location === 'querystring' ? 'query parameter' : location} \`${first.field}\``
    : location;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return problemOf('invalid-request', `${where} ${first.message}${more}`, {
    field: first.field,
    in: location,
    errors,
  });
}

/** Names the field an ajv error is about: the missing or unknown property itself, not its parent object. */
function fieldError(issue: ValidationIssue, location: FieldLocation): FieldError {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const named = issue.params.missingProperty ?? issue.params.additionalProperty;
  const field = typeof named === 'string' ? (path ? `${path}.${named}` : named) : path;
  const message =
    issue.keyword === 'additionalProperties'
      ? 'is not a known field'
      : issue.keyword === 'required'
        ? 'is required'
        : issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)
          ? `must be one of ${issue.params.allowedValues.join(', ')}`
          : (issue.message ?? 'is invalid');
  return { field, in: location, message };
}
