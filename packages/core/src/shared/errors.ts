import { ERROR_MESSAGES, type ErrorCode, type LocalizedText } from '@seafarer/contracts';

/** The one error type of the domain. Each transport maps it in one place (HTTP, socket ack, job). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly localized: LocalizedText;
  readonly details?: unknown;
  /** The same request may succeed if the client simply sends it again (a dependency was briefly away). */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    opts: { message?: LocalizedText; details?: unknown; retryable?: boolean; cause?: unknown } = {},
  ) {
    const localized = opts.message ?? ERROR_MESSAGES[code];
    super(`${code}: ${localized.en}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.localized = localized;
    this.details = opts.details;
    this.retryable = opts.retryable ?? false;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Socket-level failures of a TCP connection (Node's errno codes), to Redis or PostgreSQL alike. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * PostgreSQL SQLSTATEs meaning "the server is not there for you right now": class 08 (connection
 * exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
 */
const PG_UNAVAILABLE = /^(08...|57P0[1-3])$/;
/** What ioredis and pg say when the connection is gone (they carry no code for these). */
const OUTAGE_MESSAGES = [
  /^Connection is closed\.?$/, // ioredis: command on a closed/reconnecting connection
  /max retries per request/i, // ioredis MaxRetriesPerRequestError
  /Stream isn't writeable/, // ioredis with the offline queue off
  /^Connection terminated/, // pg: the server went away mid-query
  /timeout exceeded when trying to connect/, // pg pool
  /Client has encountered a connection error/, // pg
  /the database system is (shutting down|starting up|in recovery mode)/,
];

/**
 * REL-2: true when `e` — or anything in its `cause` chain (drizzle wraps driver errors), or any of an
 * AggregateError's parts (Node's happy-eyeballs connect) — is a lost or refused connection to Redis or
 * PostgreSQL, i.e. an outage rather than a bug or a bad request. Duck-typed so core imports neither driver.
 */
export function isInfrastructureOutage(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const err = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (err instanceof AppError) return err.code === 'SERVICE_UNAVAILABLE';
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (typeof err.code === 'string' && (CONNECTION_CODES.has(err.code) || PG_UNAVAILABLE.test(err.code)))
    return true;
  if (typeof err.message === 'string' && OUTAGE_MESSAGES.some((re) => re.test(err.message as string)))
    return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => isInfrastructureOutage(x, depth + 1))) return true;
  return isInfrastructureOutage(err.cause, depth + 1);
}

/**
 * REL-2: an infrastructure outage becomes `SERVICE_UNAVAILABLE` (retryable; HTTP 503, a coded socket
 * ack), never INTERNAL. Anything else is returned unchanged, so `throw toServiceUnavailable(e)` is safe
 * in any catch.
 */
export function toServiceUnavailable(e: unknown): unknown {
  if (isAppError(e)) return e;
  if (!isInfrastructureOutage(e)) return e;
  return new AppError('SERVICE_UNAVAILABLE', { retryable: true, details: { retryable: true }, cause: e });
}

/**
 * SQLSTATEs of a value PostgreSQL cannot take as sent (class 22, data exception): string too long
 * (22001), number out of range (22003), bad date/time (22007, 22008), invalid byte sequence such as
 * NUL in text (22021), invalid text representation (22P02), untranslatable character such as
 * `\u0000` in jsonb (22P05).
 */
const PG_BAD_VALUE = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

/** The SQLSTATE when `e` (or its `cause` chain: drizzle wraps driver errors) is PostgreSQL refusing a value. */
export function badValueState(e: unknown, depth = 0): string | null {
  if (!e || typeof e !== 'object' || depth > 5) return null;
  const { code, cause } = e as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && PG_BAD_VALUE.has(code)) return code;
  return badValueState(cause, depth + 1);
}

export const UNSTORABLE_VALUE_MESSAGE: LocalizedText = {
  zh: '请求中有数据库无法保存的值（如空字符、不成对的代理项或超出范围的数字）',
  en: 'The request holds a value that cannot be stored (such as a NUL character, an unpaired surrogate or a number out of range)',
};

/**
 * SEC-2, the last safety net behind the validators (API and live node alike): PostgreSQL refusing a
 * value becomes a coded VALIDATION, never INTERNAL. Anything else is returned unchanged.
 */
export function toBadValue(e: unknown): unknown {
  if (isAppError(e)) return e;
  const sqlState = badValueState(e);
  if (!sqlState) return e;
  return new AppError('VALIDATION', {
    message: UNSTORABLE_VALUE_MESSAGE,
    details: [{ in: 'database', sqlState }],
    cause: e,
  });
}
