import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_MESSAGES, type ErrorBody, type ErrorCode } from '@seafarer/contracts';
import { isAppError, toServiceUnavailable } from '@seafarer/core';

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

/** Fastify's own errors (parsing, validation, limits) in our vocabulary. */
function classify(err: FastifyError): { code: ErrorCode; details?: unknown } {
  if (err.validation) {
    return {
      code: 'VALIDATION',
      details: err.validation.map((v) => ({
        in: err.validationContext,
        path: v.instancePath || '/',
        rule: v.keyword,
        message: v.message,
        params: v.params,
      })),
    };
  }
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
      const { code, details } = classify(err);
      status = STATUS[code];
      body = {
        code,
        message: ERROR_MESSAGES[code],
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
