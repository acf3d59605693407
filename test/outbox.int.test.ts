import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ClassView } from '@seafarer/contracts';
import { jobOutbox } from '@seafarer/db';
import { startTestApp, type TestApp } from './helpers/app';
import { openJobQueue, type TestJobQueue } from './helpers/queue';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-server';
import { chinaDate, createWorld, planFor, type World } from './helpers/world';

/**
 * REL-2: a job belongs to the write that wants it. The API runs against a private Redis this test
 * stops: the officer's confirmation is stored regardless, and its session reminders reach BullMQ once
 * Redis is back, each exactly once, at the time they were meant for.
 */
let redis: PrivateRedis;
let t: TestApp;
let w: World;
const relays: TestJobQueue[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  t = await startTestApp({ REDIS_URL: redis.url });
  w = await createWorld(t);
}, 120_000);
afterAll(async () => {
  await redis?.start(); // a failed run must not leave the app closing against a dead Redis
  for (const r of relays) await r.close();
  await t?.close();
  await redis?.close();
});

/** Rejects when `p` has not settled in `ms` (a request that waits for Redis instead of answering). */
const within = <T>(p: Promise<T>, ms: number, what: string) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

const pendingOf = async (queue: string) =>
  (
    await t.app.core.db
      .select({ n: sql<number>`count(*)::int` })
      .from(jobOutbox)
      .where(and(eq(jobOutbox.queue, queue), isNull(jobOutbox.relayedAt)))
  )[0]!.n;

describe('transactional outbox', () => {
  it('[REL-2] Redis stopped while an officer confirms a class: the confirmation is stored; once Redis is back the session reminders are scheduled exactly once, at their time (two relays at once, then again)', async () => {
    const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/staff`,
    );
    const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
    const c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
      body: {
        trainingItemId: w.theoryItemId,
        code: `OB-${w.code}`,
        name: '出站箱测试班',
        plan: planFor(w.instructorId, managerId, chinaDate(12)),
      },
    });
    await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
    const a = openJobQueue(t.app.core.db, t.config);
    const b = openJobQueue(t.app.core.db, t.config);
    relays.push(a, b);
    await a.relayAll(); // the filing reminder, while Redis is up
    const sessions = c.current.sessions;

    await redis.stop();
    const confirmed = await within(
      w.as.officer.call<ClassView>('POST', `/api/v1/classes/${c.id}/plan/review`, {
        body: { decision: 'confirm' },
      }),
      20_000,
      'the confirmation with Redis down',
    );
    expect(confirmed).toMatchObject({ filingState: 'confirmed', canRun: true });
    expect((await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`)).filingState).toBe(
      'confirmed',
    );
    // The reminders (one per session) and the managers' notification delivery wait in the outbox.
    const pending = await pendingOf(t.config.QUEUE_PREFIX);
    expect(pending).toBe(sessions.length + 1);
    // A relay while Redis is down moves nothing and loses nothing.
    const down = await a.relayOnce();
    expect(down.relayed).toBe(0);
    expect(down.outage).toBeTruthy();
    expect(await pendingOf(t.config.QUEUE_PREFIX)).toBe(pending);

    await redis.start();
    // Two relays at once share the rows (FOR UPDATE SKIP LOCKED): together they move each one once.
    const [ra, rb] = await Promise.all([a.relayAll(), b.relayAll()]);
    expect(ra + rb).toBe(pending);
    expect(await pendingOf(t.config.QUEUE_PREFIX)).toBe(0);
    // Relaying again changes nothing.
    expect(await a.relayAll()).toBe(0);

    const all = await a.queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed']);
    const reminders = all.filter((j) => j.name === 'session.reminder');
    expect(reminders.map((j) => (j.data as { sessionId: string }).sessionId).sort()).toEqual(
      sessions.map((s) => s.id).sort(),
    );
    for (const s of sessions) {
      const job = reminders.find((j) => (j.data as { sessionId: string }).sessionId === s.id)!;
      expect(await job.getState()).toBe('delayed');
      // Due an hour before the session, as if Redis had never been away.
      expect(Math.abs(job.timestamp + job.opts.delay! - (Date.parse(s.startsAt) - 3600_000))).toBeLessThan(
        60_000,
      );
    }
    expect(
      all.filter(
        (j) => j.name === 'filing.deadline-reminder' && (j.data as { classId: string }).classId === c.id,
      ),
    ).toHaveLength(1);
  }, 120_000);
});
