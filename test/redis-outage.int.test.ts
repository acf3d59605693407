import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { loadConfig } from '@seafarer/config';
import { ERROR_MESSAGES, type JoinGrantView } from '@seafarer/contracts';
import { jobOutbox } from '@seafarer/db';
import { createJobQueue, createRedisWatch } from '@seafarer/queue';
import { buildLiveServer, type LiveServer } from '../services/live/src/app';
import { startWorkerService, type WorkerService } from '../services/worker/src/app';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { confirmedClass, freePorts, type ConfirmedClass } from './helpers/cluster';
import { connectWithGrant, type Connected, type RawPeer } from './helpers/live-socket';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-server';

/**
 * REL-2 (issue 8 §4): the platform's Redis restarted in the middle of a class, after its filing.
 * API, live node and worker run against a private redis-server with AOF (as the platform runs it);
 * the test kills it (SIGKILL) and starts it again. Nothing scheduled is lost, a join meanwhile is told
 * the service is briefly unavailable (never "internal error"), everyone's /readyz is red while it
 * lasts and green after, the outage is logged once each way, and people carry on after it.
 */
const ONE_DAY = 86_400;
let redis: PrivateRedis;
let t: TestApp;
let live: LiveServer;
let liveUrl: string;
let worker: WorkerService;
let klass: ConfirmedClass;
const peers: RawPeer[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pino logger whose lines the test reads (what an operator would see in the service's log). */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}
const liveLog = capturedLog();
const workerLog = capturedLog();
const consoleErrors: string[] = [];

beforeAll(async () => {
  // ioredis prints "[ioredis] Unhandled error event" (console.error), BullMQ "missing 'error' handler
  // on this Redis client" (console.warn), when a client has no error listener.
  for (const level of ['error', 'warn'] as const)
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleErrors.push(args.map(String).join(' '));
    });
  redis = await startPrivateRedis();
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-rel2-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    REDIS_URL: redis.url,
  };
  const [port] = await freePorts(1);
  liveUrl = `http://127.0.0.1:${port}`;
  live = await buildLiveServer({
    config: loadConfig({
      ...process.env,
      LOG_LEVEL: 'info',
      LIVE_WORKERS: '1',
      ...shared,
      LIVE_NODE_ID: 'rel2',
      LIVE_PORT: String(port),
      LIVE_PUBLIC_URL: liveUrl,
    }),
    log: liveLog.log,
  });
  await live.listen(port!, '127.0.0.1');
  const clock = movableClock();
  t = await startTestApp(
    { ...shared, LIVE_PUBLIC_URL: liveUrl, REFRESH_TOKEN_TTL_SECONDS: String(90 * ONE_DAY) },
    { clock },
  );
  worker = await startWorkerService({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'info', ...shared }),
    log: workerLog.log,
    port: 0,
  });
  klass = await confirmedClass(t, clock, { code: 'R', name: 'Redis 重启测试班', rosterSeed: 600 });
}, 300_000);
afterAll(async () => {
  await redis?.start(); // a failed run must not leave the services closing against a dead Redis
  for (const p of peers) p.close();
  await live?.close();
  await worker?.close();
  await t?.close();
  await redis?.close();
  jest.restoreAllMocks();
}, 120_000);

const readyz = () => ({
  api: `${t.baseUrl}/readyz`,
  live: `${liveUrl}/readyz`,
  worker: `http://127.0.0.1:${worker.port}/readyz`,
});
const statusOf = async (url: string) => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).status;
  } catch {
    return 0;
  }
};
/** Polls every service's /readyz until each has answered `status` (a few seconds at most). */
async function untilReadiness(status: number) {
  const seen: Record<string, number> = {};
  const end = Date.now() + 30_000;
  for (;;) {
    for (const [name, url] of Object.entries(readyz())) seen[name] = await statusOf(url);
    if (Object.values(seen).every((s) => s === status)) return seen;
    if (Date.now() > end) throw new Error(`readiness not ${status}: ${JSON.stringify(seen)}`);
    await sleep(250);
  }
}
async function until<T>(what: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(200);
  }
}
const grantOf = (who: ConfirmedClass['trainees'][number]) => klass.grant(who);
async function join(grant: JoinGrantView): Promise<RawPeer> {
  const c = await connectWithGrant(grant.liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peers.push(c.peer);
  await c.peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
  return c.peer;
}

/** The delayed jobs of this class in BullMQ, by jobId, with the instant each is due. */
async function scheduled() {
  const q = createJobQueue({
    redisUrl: redis.url,
    prefix: t.config.QUEUE_PREFIX,
    watch: createRedisWatch(pino({ level: 'silent' })),
  });
  try {
    const jobs = await q.queue.getJobs(['delayed']);
    return Object.fromEntries(
      jobs
        .filter((j) => (j.data as { classId?: string }).classId === klass.classId)
        .map((j) => [j.id!, j.timestamp + (j.opts.delay ?? 0)]),
    );
  } finally {
    await q.close();
  }
}

describe('Redis restarted mid-class, after filing', () => {
  it('[REL-2] Redis killed and restarted mid-class: nothing scheduled is lost (AOF), a join meanwhile is told SERVICE_UNAVAILABLE (never INTERNAL), /readyz of api, live and worker goes red then green, the outage is logged once each way, and people join and chat again after it', async () => {
    const view = await klass.w.as.manager.call<{ current: { sessions: Array<{ id: string }> } }>(
      'GET',
      `/api/v1/classes/${klass.classId}`,
    );
    const sessionIds = view.current.sessions.map((s) => s.id);
    // Filed and confirmed: the worker's relay has put the filing and session reminders in BullMQ.
    const before = await until(async () => {
      const s = await scheduled();
      return sessionIds.every((id) => s[`session-reminder_${id}`]) && s;
    });
    expect(Object.keys(before).filter((k) => k.startsWith('filing-reminder_'))).toHaveLength(1);
    expect(await untilReadiness(200)).toEqual({ api: 200, live: 200, worker: 200 });

    // The class is running: the instructor and a trainee are in and chatting.
    const instructor = await join(await klass.grant(klass.w.as.instructor));
    const trainee0 = await join(await grantOf(klass.trainees[0]!));
    expect(await trainee0.ack('chat.send', { text: '老师好' })).toMatchObject({ ok: true });
    await until(async () => instructor.received('chat.message').some((m) => m.text === '老师好'));

    // A second later AOF (fsync every second) has it all; then Redis dies.
    await sleep(1500);
    const linesBefore = { live: liveLog.lines.length, worker: workerLog.lines.length };
    await redis.stop('SIGKILL');
    expect(await untilReadiness(503)).toEqual({ api: 503, live: 503, worker: 503 });

    // A trainee joining now is told the service is briefly unavailable, to retry; not an internal error.
    const grant1 = await grantOf(klass.trainees[1]!);
    const during: Connected = await connectWithGrant(grant1.liveUrl, grant1);
    expect(during.ok).toBe(false);
    if (during.ok) return;
    expect(during.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: ERROR_MESSAGES.SERVICE_UNAVAILABLE,
      retryable: true,
    });
    await sleep(3000); // several reconnection attempts of every client

    await redis.start();
    expect(await untilReadiness(200)).toEqual({ api: 200, live: 200, worker: 200 });

    // Nothing scheduled was lost: the same jobs, due at the same instants.
    expect(await scheduled()).toEqual(before);
    // The relay still works after the restart: nothing of this queue is left in the outbox.
    await until(async () => {
      const [r] = await t.app.core.db
        .select({ n: sql<number>`count(*)::int` })
        .from(jobOutbox)
        .where(and(eq(jobOutbox.queue, t.config.QUEUE_PREFIX), isNull(jobOutbox.relayedAt)));
      return r!.n === 0;
    });

    // People carry on: the trainee who was refused gets in (a client retries), and chat works both ways.
    const trainee1 = await until(async () => {
      const c = await connectWithGrant(grant1.liveUrl, await grantOf(klass.trainees[1]!));
      if (!c.ok) return undefined;
      peers.push(c.peer);
      await c.peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
      return c.peer;
    });
    expect(await trainee1.ack('chat.send', { text: '我回来了' })).toMatchObject({ ok: true });
    await until(async () => instructor.received('chat.message').some((m) => m.text === '我回来了'));
    expect(await instructor.ack('chat.send', { text: '欢迎回来' })).toMatchObject({ ok: true });
    await until(async () => trainee1.received('chat.message').some((m) => m.text === '欢迎回来'));

    // The outage is logged once when it starts and once when it ends, not per reconnection attempt;
    // no Redis client of any service was left without an error listener.
    for (const [name, lines] of [
      ['live', liveLog.lines.slice(linesBefore.live)],
      ['worker', workerLog.lines.slice(linesBefore.worker)],
    ] as const) {
      const msgs = lines.map((l) => l.msg);
      expect({ name, down: msgs.filter((m) => m.startsWith('Redis unreachable')).length }).toEqual({
        name,
        down: 1,
      });
      expect({ name, up: msgs.filter((m) => m === 'Redis reachable again').length }).toEqual({ name, up: 1 });
    }
    expect(consoleErrors.filter((e) => /Unhandled error event|missing 'error' handler/.test(e))).toEqual([]);
  }, 180_000);
});
