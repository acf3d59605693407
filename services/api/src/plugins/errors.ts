import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_MESSAGES, type ErrorBody, type ErrorCode, type LocalizedText } from '@seafarer/contracts';
import { badValueState, isAppError, toServiceUnavailable, UNSTORABLE_VALUE_MESSAGE } from '@seafarer/core';
import { STORABLE_TEXT_RULE } from './validation';

/** HTTP status of each domain error code: the one mapping from AppError to HTTP. */
const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  SESSION_ENDED: 401,
  INVALID_CREDENTIALS: 401,
  REFRESH_TOKEN_REUSED: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  WEAK_PASSWORD: 422,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 422,
  DEADLINE_PASSED: 422,
  CAPACITY_EXCEEDED: 422,
  NOT_QUALIFIED_ONLINE: 422,
  ITEM_NOT_LICENSED: 422,
  PRACTICAL_ITEM_NOT_ONLINE: 422,
  INSTRUCTOR_UNQUALIFIED: 422,
  ROSTER_INVALID: 422,
  SPREADSHEET_INVALID: 400,
  CLASS_NOT_CONFIRMED: 422,
  OUTSIDE_TIMETABLE: 422,
  ROOM_ON_OTHER_NODE: 409,
  NOT_ON_ROSTER: 403,
  REPLAY_NOT_YOURS: 403,
  INVALID_IMAGE: 400,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};
export const statusOf = (code: ErrorCode) => STATUS[code];

interface ValidationIssue {
  instancePath?: string;
  keyword: string;
  params?: Record<string, unknown>;
}

/** The message of a refused request, naming the first offending field (`body/sessions/0/topic`). */
function validationMessage(part: string | undefined, first: ValidationIssue | undefined): LocalizedText {
  if (!first) return ERROR_MESSAGES.VALIDATION;
  const named = first.params?.missingProperty ?? first.params?.additionalProperty;
  const field = `${part ?? 'request'}${first.instancePath ?? ''}${named === undefined ? '' : `/${String(named)}`}`;
  if (first.keyword === STORABLE_TEXT_RULE)
    return {
      zh: `字段 ${field} 含有无法保存的字符（空字符 U+0000 或不成对的代理项）`,
      en: `The field ${field} contains a character that cannot be stored (NUL U+0000 or an unpaired surrogate)`,
    };
  return {
    zh: `${ERROR_MESSAGES.VALIDATION.zh}：字段 ${field}`,
    en: `${ERROR_MESSAGES.VALIDATION.en}: field ${field}`,
  };
}

/** Fastify's own errors (parsing, validation, limits) in our vocabulary. */
function classify(err: FastifyError): { code: ErrorCode; message?: LocalizedText; details?: unknown } {
  if (err.validation) {
    return {
      code: 'VALIDATION',
      message: validationMessage(err.validationContext, err.validation[0] as ValidationIssue | undefined),
      details: err.validation.map((v) => ({
        in: err.validationContext,
        path: v.instancePath || '/',
        rule: v.keyword,
        message: v.message,
        params: v.params,
      })),
    };
  }
  // SEC-2, the last safety net (the validators refuse such values first): PostgreSQL refusing a value.
  const sqlState = badValueState(err);
  if (sqlState)
    return { code: 'VALIDATION', message: UNSTORABLE_VALUE_MESSAGE, details: [{ in: 'database', sqlState }] };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'MALFORMED_JSON' };
  }
  if (err instanceof SyntaxError) return { code: 'MALFORMED_JSON' };
  const status = err.statusCode ?? 500;
  if (status === 429) return { code: 'RATE_LIMITED' };
  if (status === 413) return { code: 'PAYLOAD_TOO_LARGE' };
  if (status === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (status === 404) return { code: 'NOT_FOUND' };
  if (status >= 400 && status < 500) return { code: 'VALIDATION' };
  return { code: 'INTERNAL' };
}

const BAD_URL: LocalizedText = {
  zh: '请求路径不合法（编码无效，如不成对的代理项，或参数过长）',
  en: 'The request path is not valid (a bad encoding such as an unpaired surrogate, or a parameter too long)',
};

/**
 * SEC-2: fastify answers a few malformed requests before any route, hook or error handler runs — a
 * path whose %-encoding is not UTF-8 (an unpaired surrogate), a path parameter over the router's
 * length limit — by default with a body of its own, without a code of ours. Passed as the
 * `frameworkErrors` server option, they are answered like every other refusal.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const bad = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const code: ErrorCode = bad ? 'VALIDATION' : 'INTERNAL';
  if (bad) req.log.info({ code, rule: err.code }, 'request refused');
  else req.log.error({ err }, 'request failed');
  return reply
    .header('x-request-id', req.id)
    .status(STATUS[code])
    .send({
      code,
      message: bad ? BAD_URL : ERROR_MESSAGES.INTERNAL,
      requestId: req.id,
      ...(bad && { details: [{ in: 'url', rule: err.code }] }),
    } satisfies ErrorBody);
}

export default fp(async function errorHandling(app: FastifyInstance) {
  app.setErrorHandler((thrown: FastifyError, req, reply) => {
    let body: ErrorBody;
    let status: number;
    // REL-2: Redis or PostgreSQL away for a moment is a 503 the client retries, not an internal error.
    const err = toServiceUnavailable(thrown) as FastifyError;
    if (isAppError(err)) {
      status = STATUS[err.code];
      body = {
        code: err.code,
        message: err.localized,
        requestId: req.id,
        ...(err.details !== undefined && { details: err.details }),
      };
    } else {
      const { code, message, details } = classify(err);
      status = STATUS[code];
      body = {
        code,
        message: message ?? ERROR_MESSAGES[code],
        requestId: req.id,
        ...(details !== undefined && { details }),
      };
    }
    if (isAppError(err) && err.retryable) {
      reply.header('retry-after', '2');
      req.log.warn(
        { code: err.code, cause: (err.cause as Error | undefined)?.message },
        'dependency unavailable',
      );
    } else if (status >= 500) req.log.error({ err }, 'request failed');
    else if (badValueState(err))
      // A value the validators let through: refused all the same, but a schema should have caught it.
      req.log.warn({ err, code: body.code, status }, 'value refused by the database');
    else req.log.info({ code: body.code, status }, 'request refused');
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      code: 'ROUTE_NOT_FOUND',
      message: ERROR_MESSAGES.ROUTE_NOT_FOUND,
      requestId: req.id,
    } satisfies ErrorBody);
  });
});
