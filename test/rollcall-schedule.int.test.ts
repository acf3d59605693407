import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { and, eq, inArray } from 'drizzle-orm';
import { loadConfig } from '@seafarer/config';
import type { ClassView } from '@seafarer/contracts';
import { createOutboundDelivery, drawRollCallTimes } from '@seafarer/core';
import { auditEvents, classes, jobOutbox, rollCallResponses, rollCalls, rosterEntries } from '@seafarer/db';
import { bullJobId } from '@seafarer/queue';
import { buildLiveServer, type LiveServer } from '../services/live/src/app';
import { startProcessors } from '../services/worker/src/processors';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { confirmedClass, type ConfirmedClass } from './helpers/cluster';
import { launchChromium, signedInPage, waitState } from './helpers/classroom';
import { joinRaw, type RawPeer } from './helpers/live-socket';
import { chinaDate, createWorld, NEW_PASSWORD, planFor } from './helpers/world';

/**
 * JS-13.2: the random roll-calls drawn when the day starts: stored with their seed, one delayed job
 * each, never visible to a trainee before they fire (every GET route a trainee may call, and every
 * socket event), then fired into the live room by the worker through Redis.
 */
let t: TestApp;
let live: LiveServer;
let worker: ReturnType<typeof startProcessors>;
let cls: ConfirmedClass;
const clock = movableClock();

beforeAll(async () => {
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-rcs-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  live = await buildLiveServer({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent', LIVE_WORKERS: '1', ...shared }),
    log: pino({ level: process.env.LIVE_LOG ?? 'silent' }),
  });
  const livePort = await live.listen(0, '127.0.0.1');
  t = await startTestApp(
    {
      LIVE_PUBLIC_URL: `http://127.0.0.1:${livePort}`,
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
      ...shared,
    },
    { clock },
  );
  worker = startProcessors({
    core: t.app.core,
    delivery: createOutboundDelivery({ db: t.app.core.db, clock: t.app.core.clock, channels: [] }),
    log: pino({ level: 'silent' }),
    queue: { redisUrl: t.config.REDIS_URL, prefix: shared.QUEUE_PREFIX },
    storageDir: shared.STORAGE_DIR,
  });
  cls = await confirmedClass(t, clock, { code: 'RS', name: '随机点名测试班', rosterSeed: 520 });
}, 120_000);
afterAll(async () => {
  await live?.close();
  await worker?.close();
  await t?.close();
}, 60_000);

const scheduledOf = (sessionId: string) =>
  t.app.core.db
    .select()
    .from(rollCalls)
    .where(and(eq(rollCalls.sessionId, sessionId), eq(rollCalls.origin, 'scheduled')))
    .orderBy(rollCalls.dueAt);

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('scheduled roll-calls', () => {
  it('[JS-13.2] the day is drawn once per session within its bounds from a stored seed, one fire job each, audited with counts only', async () => {
    const db = t.app.core.db;
    await db.update(classes).set({ rollCallsPerSession: 2 }).where(eq(classes.id, cls.classId));
    const day = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const first = await t.app.core.rollCalls.planDay('today');
    expect(first.day).toBe(day);
    const rows = await scheduledOf(cls.sessionId);
    expect(rows).toHaveLength(2);
    const session = (await t.app.core.db.query.classSessions.findFirst({
      where: (s, { eq: is }) => is(s.id, cls.sessionId),
    }))!;
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'scheduled', windowS: 60, startedBy: null, firedAt: null });
      expect(r.dueAt!.getTime()).toBeGreaterThanOrEqual(china(day, '08:35:00').getTime());
      expect(r.dueAt!.getTime()).toBeLessThanOrEqual(china(day, '12:25:00').getTime());
    }
    // The draw is reproducible from the stored seed (JS-13.2: the times were not chosen afterwards).
    expect(rows[0]!.seed).toBe(rows[1]!.seed);
    const redrawn = drawRollCallTimes({
      seed: rows[0]!.seed!,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      count: 2,
    });
    expect(redrawn.map((d) => d.toISOString())).toEqual(rows.map((r) => r.dueAt!.toISOString()));
    // One delayed 'rollcall.fire' job per row, due at its time, written with the rows.
    const jobs = await db
      .select()
      .from(jobOutbox)
      .where(
        inArray(
          jobOutbox.jobKey,
          rows.map((r) => r.id),
        ),
      );
    expect(jobs.map((j) => [j.name, j.jobKey, j.runAt?.toISOString()]).sort()).toEqual(
      rows.map((r) => ['rollcall.fire', r.id, r.dueAt!.toISOString()]).sort(),
    );
    // Idempotent: drawing the day again draws nothing more.
    const again = await t.app.core.rollCalls.planDay(day);
    expect(again.planned).toBe(0);
    expect(await scheduledOf(cls.sessionId)).toHaveLength(2);
    // Audited once for the institution's day, with the counts and never the times.
    const audits = await db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, 'rollcall.day_planned'),
          eq(auditEvents.institutionId, cls.w.institutionId),
        ),
      );
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toEqual({ day, sessions: 1, rollCalls: 2 });
    expect(await t.app.core.rollCalls.planDay('2026-02-30').catch((e: { code: string }) => e.code)).toBe(
      'VALIDATION',
    );
  });

  it("[JS-13.2] a scheduled roll-call whose message never came is fired by the hosting node's sweep (durable backstop)", async () => {
    const peer = await joinRaw(cls.trainees[0]!, cls.classId, cls.sessionId);
    await peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
    // Due a second ago, stored, but its job never ran and nothing was published (Redis lost it).
    const [row] = await t.app.core.db
      .insert(rollCalls)
      .values({
        institutionId: cls.w.institutionId,
        classId: cls.classId,
        sessionId: cls.sessionId,
        origin: 'scheduled',
        status: 'scheduled',
        dueAt: new Date(Date.now() - 1000),
        seed: 'lost-message',
        windowS: 2,
      })
      .returning();
    await until(
      'the sweep to fire it',
      async () => peer.received('rollcall.challenge').find((c) => c.rollCallId === row!.id),
      40_000,
    );
    // It closes after its short window (and its late answers' time): the room is free for the next one.
    await until(
      'its close',
      async () => {
        const [r] = await t.app.core.db.select().from(rollCalls).where(eq(rollCalls.id, row!.id));
        return r?.status === 'closed';
      },
      40_000,
    );
    peer.close();
  }, 90_000);

  it("[JS-13.2] a scheduled roll-call's time is not visible to a trainee before it fires (every route and event checked)", async () => {
    const rows = (await scheduledOf(cls.sessionId)).filter((r) => r.status === 'scheduled');
    expect(rows.length).toBeGreaterThan(0);
    const target = rows[0]!;
    const trainee = cls.trainees[0]!;
    const me = await trainee.auth.me();
    const [entry] = await t.app.core.db
      .select({ id: rosterEntries.id })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, cls.classId), eq(rosterEntries.accountId, me.accountId)));
    // What must not show: every scheduled row's id, its due time as ISO text, epoch ms and seconds, its seed.
    const secrets = rows.flatMap((r) => [
      r.id,
      r.dueAt!.toISOString(),
      r.dueAt!.toISOString().slice(0, 19),
      String(r.dueAt!.getTime()),
      String(Math.floor(r.dueAt!.getTime() / 1000)),
      r.seed!,
    ]);
    const leaks = (text: string) => secrets.filter((s) => text.includes(s));

    // The trainee is in the room (a live socket that records every event it receives).
    const peer: RawPeer = await joinRaw(trainee, cls.classId, cls.sessionId);
    const join = await peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
    expect(join.ok).toBe(true);
    expect(leaks(JSON.stringify(join))).toEqual([]);

    // Another trainee in a real browser: the home page, then the room (fake camera). Every answer the
    // page received (HTTP and socket frames), its document and its storage are checked.
    const browser = await launchChromium();
    const page = await signedInPage(t, browser, cls.issued[1]!.username);
    const seen: string[] = [];
    page.on('response', (r) => {
      r.text().then(
        (body) => seen.push(`${r.url()} ${body}`),
        () => undefined,
      );
    });
    page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));
    await page.goto(`${t.baseUrl}/app/`);
    await page.waitForLoadState('networkidle');
    await page.goto(`${t.baseUrl}/app/room.html?class=${cls.classId}&session=${cls.sessionId}&lite=1`);
    await waitState(page, 'joined', 60_000);

    // Every GET route a trainee may call, with the trainee's own ids (and any other id: the roll-call's).
    const ids: Record<string, string> = {
      classId: cls.classId,
      sessionId: cls.sessionId,
      entryId: entry!.id,
      accountId: me.accountId,
      institutionId: cls.w.institutionId,
    };
    const routes = t.app.routeTable.filter(
      (r) =>
        r.method === 'GET' &&
        r.url.startsWith('/api/') &&
        (r.access === 'public' || ('roles' in r.access && r.access.roles.includes('trainee'))),
    );
    expect(routes.length).toBeGreaterThanOrEqual(5);
    const failures: string[] = [];
    let answered = 0;
    for (const route of routes) {
      let guessed = false;
      const url = route.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
        if (ids[name]) return ids[name]!;
        guessed = true;
        return target.id;
      });
      const res = await trainee.raw('GET', url);
      if (res.status === 200) answered++;
      const found = leaks(res.text).filter((s) => !(guessed && s === target.id && res.status >= 400));
      if (found.length) failures.push(`GET ${route.url} -> ${res.status} shows ${found.join(', ')}`);
      if (guessed && res.status < 400)
        failures.push(`GET ${route.url} with the roll-call's id answered ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(3);
    expect(leaks(JSON.stringify(peer.events))).toEqual([]);
    expect(seen.length).toBeGreaterThan(5);
    expect(leaks(seen.join('\n'))).toEqual([]);
    expect(leaks(await page.content())).toEqual([]);
    type Storage = { length: number; key(i: number): string | null; getItem(k: string): string | null };
    const storage = await page.evaluate(() => {
      const g = globalThis as unknown as { sessionStorage: Storage; localStorage: Storage };
      const all: string[] = [];
      for (const s of [g.sessionStorage, g.localStorage])
        for (let i = 0; i < s.length; i++) all.push(`${s.key(i)}=${s.getItem(s.key(i)!)}`);
      return all.join('\n');
    });
    expect(leaks(storage)).toEqual([]);

    // Now it falls due: the worker's job runs (its delay cut short), the live node opens it, and the
    // trainee gets the challenge.
    const job = await until('the fire job in the queue', () =>
      worker.producer.queue.getJob(bullJobId(target.id)),
    );
    await job.promote();
    await until('the challenge', async () =>
      peer.received('rollcall.challenge').find((c) => c.rollCallId === target.id),
    );
    // The browser trainee gets it too (a socket frame naming it), and nothing before.
    await until('the challenge in the browser', async () =>
      seen.some((x) => x.includes('rollcall.challenge') && x.includes(target.id)),
    );
    // Opened like an instructor's: the browser trainee's still is grabbed from their stream.
    const browserTrainee = await t.client.auth.login({
      username: cls.issued[1]!.username,
      password: NEW_PASSWORD,
    });
    const response = await until('the still of the scheduled roll-call', async () => {
      const [r] = await t.app.core.db
        .select()
        .from(rollCallResponses)
        .where(
          and(
            eq(rollCallResponses.rollCallId, target.id),
            eq(rollCallResponses.accountId, browserTrainee.account.accountId),
          ),
        );
      return r && (r.stillEvidenceId || r.stillNote) ? r : null;
    });
    expect(response.stillEvidenceId).not.toBeNull();
    await browser.close();
    const challenge = peer.received('rollcall.challenge').find((c) => c.rollCallId === target.id)!;
    expect(challenge.windowS).toBe(60);
    expect(JSON.stringify(challenge)).not.toMatch(/scheduled|origin|officer/);
    const fired = (await scheduledOf(cls.sessionId)).find((r) => r.id === target.id)!;
    expect(fired.status).toBe('open');
    expect(fired.firedAt).not.toBeNull();
    peer.close();
  }, 120_000);

  it('[JS-13.2] a scheduled roll-call falling due while no live node hosts its session is marked missed', async () => {
    const rows = await scheduledOf(cls.sessionId);
    // Another session of the class (tomorrow's): nobody is in its room.
    const [row] = await t.app.core.db
      .insert(rollCalls)
      .values({
        institutionId: rows[0]!.institutionId,
        classId: cls.classId,
        sessionId: (await sessionsOf(cls.classId)).find((s) => s !== cls.sessionId)!,
        origin: 'scheduled',
        status: 'scheduled',
        dueAt: clock.now(),
        seed: 'test',
        windowS: 60,
      })
      .returning();
    await t.app.core.db.transaction((tx) =>
      t.app.core.jobs.enqueue(tx, 'rollcall.fire', { rollCallId: row!.id }, { jobId: row!.id }),
    );
    const missed = await until('the missed mark', async () => {
      const [r] = await t.app.core.db.select().from(rollCalls).where(eq(rollCalls.id, row!.id));
      return r?.status === 'missed' ? r : null;
    });
    expect(missed.firedAt).toBeNull();
    const audits = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'rollcall.missed'), eq(auditEvents.targetId, row!.id)));
    expect(audits).toHaveLength(1);
  }, 60_000);
});

describe('scheduled roll-calls that never fired', () => {
  it('[JS-13.2] those of a session that ended are marked missed (audited) when a day is planned', async () => {
    const waiting = (await scheduledOf(cls.sessionId)).filter((r) => r.status === 'scheduled');
    expect(waiting.length).toBeGreaterThan(0);
    const saved = clock.now();
    const day = new Date(saved.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    clock.set(china(day, '13:00:00'));
    try {
      const result = await t.app.core.rollCalls.planDay('today');
      expect(result.missed).toBeGreaterThanOrEqual(waiting.length);
      const after = await scheduledOf(cls.sessionId);
      for (const w of waiting) expect(after.find((r) => r.id === w.id)?.status).toBe('missed');
      const audits = await t.app.core.db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.action, 'rollcall.missed'),
            inArray(
              auditEvents.targetId,
              waiting.map((w) => w.id),
            ),
          ),
        );
      expect(audits.map((x) => (x.data as { reason: string }).reason)).toEqual(
        waiting.map(() => 'session_ended'),
      );
    } finally {
      clock.set(saved);
    }
  });
});

describe('a class confirmed on the day', () => {
  it("[JS-13.2] a class confirmed on the day of its first session gets that day's roll-calls at once", async () => {
    const saved = clock.now();
    clock.reset();
    try {
      const w = await createWorld(t);
      const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
        'GET',
        `/api/v1/institutions/${w.institutionId}/staff`,
      );
      const managerId = staff.items.find((x) => x.username === w.usernames.manager)!.accountId;
      const first = chinaDate(8);
      const c = await w.as.manager.call<ClassView>(
        'POST',
        `/api/v1/institutions/${w.institutionId}/classes`,
        {
          body: {
            trainingItemId: w.theoryItemId,
            code: `RT-${w.code}`,
            name: '当天确认测试班',
            plan: planFor(w.instructorId, managerId, first),
          },
        },
      );
      await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
      // The authority confirms it on the morning of its first session (the worker planned the day already).
      clock.set(china(first, '07:10:00'));
      await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, {
        body: { decision: 'confirm' },
      });
      const today = await scheduledOf(c.current.sessions[0]!.id);
      expect(today).toHaveLength(1);
      expect(today[0]!.dueAt!.getTime()).toBeGreaterThanOrEqual(china(first, '08:35:00').getTime());
      // Only today's session: the others are drawn when their day starts.
      expect(await scheduledOf(c.current.sessions[1]!.id)).toHaveLength(0);
    } finally {
      clock.set(saved);
    }
  }, 60_000);
});

async function sessionsOf(classId: string): Promise<string[]> {
  const c = (await t.app.core.db.query.classes.findFirst({ where: (x, { eq: is }) => is(x.id, classId) }))!;
  const rows = await t.app.core.db.query.classSessions.findMany({
    where: (s, { eq: is }) => is(s.versionId, c.confirmedVersionId!),
  });
  return rows.map((r) => r.id);
}
