import { AppError, isInfrastructureOutage, toServiceUnavailable } from './errors';

/** Shapes as ioredis 5 and pg 8 throw them (name / message / code), and drizzle's wrapping `cause`. */
const redisClosed = new Error('Connection is closed.');
const redisMaxRetries = Object.assign(
  new Error(
    'Reached the max retries per request limit (which is 2). Refer to "maxRetriesPerRequest" option for details.',
  ),
  { name: 'MaxRetriesPerRequestError' },
);
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6399'), { code: 'ECONNREFUSED' });
const happyEyeballs = Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' });
const pgTerminated = new Error('Connection terminated unexpectedly');
const pgShutdown = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});
const drizzleWrapped = new Error('Failed query: select 1', { cause: pgTerminated });

describe('toServiceUnavailable', () => {
  it.each([
    ['ioredis closed connection', redisClosed],
    ['ioredis MaxRetriesPerRequestError', redisMaxRetries],
    ['connection refused', refused],
    ['AggregateError of refused connects', happyEyeballs],
    ['pg connection terminated', pgTerminated],
    ['pg admin shutdown 57P01', pgShutdown],
    ['a driver error wrapped by drizzle', drizzleWrapped],
  ])('[REL-2] %s is SERVICE_UNAVAILABLE, retryable', (_label, e) => {
    expect(isInfrastructureOutage(e)).toBe(true);
    const mapped = toServiceUnavailable(e);
    expect(mapped).toBeInstanceOf(AppError);
    expect((mapped as AppError).code).toBe('SERVICE_UNAVAILABLE');
    expect((mapped as AppError).retryable).toBe(true);
    expect((mapped as AppError).localized.zh).toBe('服务暂时不可用，请稍后重试');
  });

  it('[REL-2] bugs, bad requests and domain errors pass through unchanged', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const unique = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    const domain = new AppError('NOT_FOUND');
    for (const e of [bug, unique, domain, undefined, 'text']) {
      expect(isInfrastructureOutage(e)).toBe(false);
      expect(toServiceUnavailable(e)).toBe(e);
    }
  });
});
