import type { LocalizedText } from '@seafarer/contracts';
import type { Clock } from '../shared/clock';
import type { Verdict } from './room-policy';

/**
 * SEC-1 / JS-7.1: how much chat, how many questions and raised hands one person may send. Two limits
 * apply to every request, and both must allow it:
 * - per connection (socket): a burst limit, so one flooding client is cut off at once;
 * - per account: over a longer window, shared by every connection of the account (a reconnection, a
 *   second tab, another live node), so reconnecting does not buy a fresh allowance.
 * Each window starts at the first request counted in it and lasts `windowMs` (a refusal says how long
 * until it ends). A refused request stores nothing and shows nothing.
 */
export type InteractionKind = 'chat' | 'question' | 'hand';

export interface RateLimit {
  max: number;
  windowMs: number;
}
export interface InteractionLimit {
  socket: RateLimit;
  account: RateLimit;
}

/**
 * A lively class: a message every few seconds with short bursts is fine; hundreds in seconds are not.
 * Hands toggle (raise / lower), each toggle is shown to the room, so they are limited too.
 */
export const INTERACTION_LIMITS: Readonly<Record<InteractionKind, InteractionLimit>> = {
  chat: { socket: { max: 10, windowMs: 10_000 }, account: { max: 15, windowMs: 60_000 } },
  question: { socket: { max: 3, windowMs: 30_000 }, account: { max: 5, windowMs: 300_000 } },
  hand: { socket: { max: 6, windowMs: 10_000 }, account: { max: 20, windowMs: 60_000 } },
};

export const RATE_LIMITED_MESSAGE: Record<InteractionKind, LocalizedText> = {
  chat: { zh: '发言过于频繁，请稍后再发送', en: 'You are sending messages too fast; wait a moment' },
  question: { zh: '提问过于频繁，请稍后再提问', en: 'You are asking too often; wait a moment' },
  hand: { zh: '举手操作过于频繁，请稍后再试', en: 'You are raising your hand too often; wait a moment' },
};

/** One window's count after a hit, and how long until the window ends. */
export interface WindowHit {
  count: number;
  resetInMs: number;
}
/** Counts hits of a key in a window that starts at its first hit (in memory, or Redis for accounts). */
export interface WindowCounter {
  hit(key: string, windowMs: number): Promise<WindowHit>;
}

/** The limit's verdict over a hit: allowed, or RATE_LIMITED with when to try again. */
export function decideRate(
  kind: InteractionKind,
  scope: 'socket' | 'account',
  limit: RateLimit,
  hit: WindowHit,
): Verdict {
  if (hit.count <= limit.max) return { ok: true };
  return {
    ok: false,
    code: 'RATE_LIMITED',
    message: RATE_LIMITED_MESSAGE[kind],
    details: {
      kind,
      scope,
      limit: limit.max,
      windowMs: limit.windowMs,
      retryAfterMs: Math.max(hit.resetInMs, 0),
    },
  };
}

/**
 * A node-local WindowCounter: the per-socket limits, and the per-account fallback while Redis is away.
 * Expired windows are swept as new hits arrive, so memory stays bounded by the active keys.
 */
export function createMemoryWindowCounter(clock: Clock): WindowCounter & { readonly size: number } {
  const windows = new Map<string, { count: number; endsAt: number }>();
  let lastSweep = 0;
  return {
    async hit(key, windowMs) {
      const now = clock.now().getTime();
      if (now - lastSweep > 10_000) {
        lastSweep = now;
        for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
      }
      let w = windows.get(key);
      if (!w || w.endsAt <= now) {
        w = { count: 0, endsAt: now + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return { count: w.count, resetInMs: w.endsAt - now };
    },
    get size() {
      return windows.size;
    },
  };
}

/**
 * The check a live handler makes before storing a chat message, question or hand: the connection's
 * limit first (node memory), then the account's (shared). A request the socket limit refuses does not
 * use up the account's allowance.
 */
export function createInteractionLimiter(deps: {
  socket: WindowCounter;
  account: WindowCounter;
  limits?: Readonly<Record<InteractionKind, InteractionLimit>>;
}) {
  const limits = deps.limits ?? INTERACTION_LIMITS;
  return {
    limits,
    async check(kind: InteractionKind, who: { socketId: string; accountId: string }): Promise<Verdict> {
      const l = limits[kind];
      const bySocket = decideRate(
        kind,
        'socket',
        l.socket,
        await deps.socket.hit(`${kind}:socket:${who.socketId}`, l.socket.windowMs),
      );
      if (!bySocket.ok) return bySocket;
      return decideRate(
        kind,
        'account',
        l.account,
        await deps.account.hit(`${kind}:account:${who.accountId}`, l.account.windowMs),
      );
    },
  };
}
export type InteractionLimiter = ReturnType<typeof createInteractionLimiter>;
