import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WindowCounter } from '@seafarer/core';
import { withTimeout } from '@seafarer/queue';

/** One hit: the window starts (and its expiry is set) at its first hit; answers the count and time left. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/** Longer than this and the shared count is not worth waiting for: the node counts alone. */
const HIT_TIMEOUT_MS = 300;

/**
 * SEC-1: the per-account counts of chat, questions and hands, shared by every live node (Redis), so
 * that two connections of one account, even on two nodes, draw on one allowance.
 *
 * Redis away (not connected, or no answer within 300 ms): the node falls back to its own counts in
 * memory (`fallback`), so the account limit still holds on this node — which hosts every connection
 * of the session's room anyway (room → node map, one connection per account) — and a chat message is
 * never refused just because Redis is down. The switch is logged once each way.
 */
export function createRedisWindowCounter(opts: {
  redis: Pick<Redis, 'status' | 'eval'>;
  prefix: string;
  fallback: WindowCounter;
  log: Logger;
}): WindowCounter {
  let local = false;
  const goLocal = (err: unknown) => {
    if (local) return;
    local = true;
    opts.log.warn({ err }, 'account limits counted on this node only: Redis is not answering');
  };
  return {
    async hit(key, windowMs) {
      if (opts.redis.status === 'ready') {
        try {
          const [count, ttl] = (await withTimeout(
            opts.redis.eval(HIT, 1, `${opts.prefix}:live:limit:${key}`, windowMs) as Promise<
              [number, number]
            >,
            HIT_TIMEOUT_MS,
            'account limit',
          )) as [number, number];
          if (local) {
            local = false;
            opts.log.info({}, 'account limits shared through Redis again');
          }
          return { count, resetInMs: ttl };
        } catch (err) {
          goLocal(err);
        }
      } else goLocal(new Error(`Redis connection is ${opts.redis.status}`));
      return opts.fallback.hit(key, windowMs);
    },
  };
}
