import {
  createInteractionLimiter,
  createMemoryWindowCounter,
  INTERACTION_LIMITS,
} from './interaction-limits';

const clockAt = (start: number) => {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
};

describe('interaction limits', () => {
  it('[SEC-1] a connection is cut off after its burst; the account limit spans its connections; windows end', async () => {
    const clock = clockAt(Date.UTC(2026, 0, 5, 1));
    const limiter = createInteractionLimiter({
      socket: createMemoryWindowCounter(clock),
      account: createMemoryWindowCounter(clock),
    });
    const chat = INTERACTION_LIMITS.chat;
    const a = { socketId: 's1', accountId: 'acct' };
    const b = { socketId: 's2', accountId: 'acct' };
    const results = [];
    for (let i = 0; i < 50; i++) results.push(await limiter.check('chat', a));
    expect(results.filter((r) => r.ok)).toHaveLength(chat.socket.max);
    expect(results.at(-1)).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      details: { scope: 'socket', kind: 'chat', retryAfterMs: chat.socket.windowMs },
    });
    // A second connection of the same account gets only what is left of the account's allowance.
    const second = [];
    for (let i = 0; i < 50; i++) second.push(await limiter.check('chat', b));
    expect(second.filter((r) => r.ok)).toHaveLength(chat.account.max - chat.socket.max);
    expect(second[chat.account.max - chat.socket.max]).toMatchObject({
      ok: false,
      details: { scope: 'account' },
    });
    // Questions are counted apart from chat.
    expect((await limiter.check('question', a)).ok).toBe(true);
    clock.advance(chat.account.windowMs);
    expect((await limiter.check('chat', b)).ok).toBe(true);
  });
});
