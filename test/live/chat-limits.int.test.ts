import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InteractionView, JoinGrantView, LiveAckOf } from '@seafarer/contracts';
import {
  createJoinGrants,
  INTERACTION_LIMITS,
  RATE_LIMITED_MESSAGE,
  signingKeys,
  systemClock,
} from '@seafarer/core';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server';
import { startTestApp, type TestApp } from '../helpers/app';
import { movableClock } from '../helpers/clock';
import {
  confirmedClass,
  freePorts,
  startLiveNode,
  type ConfirmedClass,
  type LiveNode,
} from '../helpers/cluster';
import { connectWithGrant, type RawPeer } from '../helpers/live-socket';

/**
 * SEC-1: one socket flooding the room with chat (500 messages) is cut off after its allowance, with a
 * coded refusal in each ack; only what was allowed is stored (what an officer reads afterwards); the
 * account's allowance is shared by its next connection; questions and hands are limited the same way.
 */
let t: TestApp;
let node: LiveNode;
let nodeB: LiveNode;
let shared: Record<string, string>;
let klass: ConfirmedClass;
const peers: RawPeer[] = [];
const { chat, question, hand } = INTERACTION_LIMITS;

beforeAll(async () => {
  const clock = movableClock();
  shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-limits-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  const [port, portB] = await freePorts(2);
  node = await startLiveNode('limits-a', port!, shared);
  // A second node of the same deployment (same Redis, same prefix): the account allowance is one.
  nodeB = await startLiveNode('limits-b', portB!, shared);
  t = await startTestApp(
    { ...shared, LIVE_PUBLIC_URL: node.url, REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'C', name: '聊天限流测试班', rosterSeed: 760 });
}, 120_000);
afterAll(async () => {
  for (const p of peers) p.close();
  await node?.live.close();
  await nodeB?.live.close();
  await t?.close();
}, 60_000);

async function join(
  who: ConfirmedClass['trainees'][number],
  opts: { grant?: JoinGrantView; url?: string } = {},
): Promise<RawPeer> {
  const grant = opts.grant ?? (await klass.grant(who));
  const c = await connectWithGrant(opts.url ?? grant.liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peers.push(c.peer);
  await c.peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
  return c.peer;
}
const storedChat = async (accountId: string) =>
  (
    await klass.w.as.officer.call<{ items: InteractionView[] }>(
      'GET',
      `/api/v1/classes/${klass.classId}/sessions/${klass.sessionId}/interactions`,
    )
  ).items.filter((i) => i.accountId === accountId && i.kind === 'chat');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('limits on chat, questions and hands in the live room', () => {
  it('[SEC-1] 500 chat messages from one socket: after the allowance every ack is RATE_LIMITED with a retry time, only the allowed are stored and shown; the next socket of the account shares the account allowance', async () => {
    const instructor = await join(klass.w.as.instructor);
    const flooder = await join(klass.trainees[0]!);
    const me = await klass.trainees[0]!.auth.me();
    const started = Date.now();
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) => flooder.ack('chat.send', { text: `刷屏 ${i}` })),
    );
    const floodMs = Date.now() - started;
    const ok = acks.filter((a) => a.ok);
    expect(ok).toHaveLength(chat.socket.max);
    const refused = acks.filter((a): a is Extract<LiveAckOf<'chat.send'>, { ok: false }> => !a.ok);
    expect(refused).toHaveLength(500 - chat.socket.max);
    for (const r of refused)
      expect(r.error).toMatchObject({
        code: 'RATE_LIMITED',
        message: RATE_LIMITED_MESSAGE.chat,
        details: { kind: 'chat', scope: 'socket', limit: chat.socket.max, retryAfterMs: expect.any(Number) },
      });
    const retryAfter = (refused[0]!.error.details as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(chat.socket.windowMs);
    // Stored: only the allowed ones, as the officer reads them; shown: only those.
    expect(await storedChat(me.accountId)).toHaveLength(chat.socket.max);
    await sleep(300);
    expect(instructor.received('chat.message').filter((m) => m.peerId === me.accountId)).toHaveLength(
      chat.socket.max,
    );
    // A fresh connection of the same account (it replaces the first) gets only what the account has left.
    const again = await join(klass.trainees[0]!);
    const more: Array<LiveAckOf<'chat.send'>> = [];
    for (let i = 0; i < 20; i++) more.push(await again.ack('chat.send', { text: `换个连接 ${i}` }));
    expect(more.filter((a) => a.ok)).toHaveLength(chat.account.max - chat.socket.max);
    expect(more[chat.account.max - chat.socket.max]).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { scope: 'account', limit: chat.account.max } },
    });
    expect(await storedChat(me.accountId)).toHaveLength(chat.account.max);
    // Another trainee is not affected by the first one's flood.
    const calm = await join(klass.trainees[1]!);
    expect(await calm.ack('chat.send', { text: '老师好' })).toMatchObject({ ok: true });
    process.stdout.write(`[SEC-1] 500 chat messages from one socket answered in ${floodMs} ms\n`);
  });

  it('[SEC-1] questions and raised hands are limited the same way: coded refusals, nothing stored or shown beyond the allowance', async () => {
    const asker = await join(klass.trainees[2]!);
    const asks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => asker.ack('question.ask', { text: `问题 ${i}` })),
    );
    expect(asks.filter((a) => a.ok)).toHaveLength(question.socket.max);
    expect(asks.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: RATE_LIMITED_MESSAGE.question },
    });
    const hands = [];
    for (let i = 0; i < 20; i++) hands.push(await asker.ack('hand.raise', { raised: i % 2 === 0 }));
    expect(hands.filter((a) => a.ok)).toHaveLength(hand.socket.max);
    expect(hands.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const me = await klass.trainees[2]!.auth.me();
    const stored = (
      await klass.w.as.officer.call<{ items: InteractionView[] }>(
        'GET',
        `/api/v1/classes/${klass.classId}/sessions/${klass.sessionId}/interactions`,
      )
    ).items.filter((i) => i.accountId === me.accountId);
    expect(stored.filter((i) => i.kind === 'question')).toHaveLength(question.socket.max);
    // Raised (not lowered) hands are stored: every other one of the allowed toggles.
    expect(stored.filter((i) => i.kind === 'hand')).toHaveLength(Math.ceil(hand.socket.max / 2));
  });

  it('[SEC-1] the account allowance is one for the whole deployment: a connection of the same account on another live node gets only what is left', async () => {
    const flooder = await join(klass.w.as.instructor);
    const me = await klass.w.as.instructor.auth.me();
    const first = await Promise.all(
      Array.from({ length: 20 }, (_, i) => flooder.ack('chat.send', { text: `节点A ${i}` })),
    );
    expect(first.filter((a) => a.ok)).toHaveLength(chat.socket.max);
    // The same account, in the class's next session, hosted by the other node (its grant as the API signs it).
    const view = await klass.w.as.manager.call<{
      current: { sessions: Array<{ id: string; endsAt?: string }> };
    }>('GET', `/api/v1/classes/${klass.classId}`);
    const { grant } = createJoinGrants(signingKeys(t.config.JWT_SECRET).joinGrant, systemClock).sign({
      sub: me.accountId,
      name: me.displayName,
      cls: klass.classId,
      ses: view.current.sessions[1]!.id,
      role: 'instructor',
      hidden: false,
      end: Date.now() + 3_600_000,
      cap: 3,
      inst: klass.w.institutionId,
    });
    const onB = await join(klass.w.as.instructor, {
      url: nodeB.url,
      grant: {
        ...(await klass.grant(klass.w.as.instructor)),
        grant,
        sessionId: view.current.sessions[1]!.id,
      },
    });
    expect(nodeB.live.signaling.rooms.has(view.current.sessions[1]!.id)).toBe(true);
    const second: Array<LiveAckOf<'chat.send'>> = [];
    for (let i = 0; i < 10; i++) second.push(await onB.ack('chat.send', { text: `节点B ${i}` }));
    expect(second.filter((a) => a.ok)).toHaveLength(chat.account.max - chat.socket.max);
    expect(second.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { scope: 'account' } },
    });
  });

  it('[SEC-1] with Redis away the node counts the account alone: chat is neither refused for the outage nor left unlimited', async () => {
    let redis: PrivateRedis | undefined;
    let alone: LiveNode | undefined;
    try {
      redis = await startPrivateRedis({ appendonly: false });
      const [port] = await freePorts(1);
      alone = await startLiveNode('limits-alone', port!, { ...shared, REDIS_URL: redis.url });
      const p = await join(klass.trainees[2]!, { url: alone.url });
      await redis.stop('SIGKILL');
      await sleep(500);
      const started = Date.now();
      const during = [];
      for (let i = 0; i < 20; i++) during.push(await p.ack('chat.send', { text: `Redis 不在 ${i}` }));
      // Answered at once (no waiting for Redis), the connection's allowance as always.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(during.filter((a) => a.ok)).toHaveLength(chat.socket.max);
      // Once the connection's window is over, the account's (counted on this node) still binds.
      await sleep(chat.socket.windowMs + 200);
      const later = [];
      for (let i = 0; i < 10; i++) later.push(await p.ack('chat.send', { text: `还是不在 ${i}` }));
      expect(later.filter((a) => a.ok)).toHaveLength(chat.account.max - chat.socket.max);
      expect(later.find((a) => !a.ok)).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED', details: { scope: 'account' } },
      });
      p.close();
    } finally {
      await redis?.start();
      await alone?.live.close();
      await redis?.close();
    }
  }, 60_000);
});
