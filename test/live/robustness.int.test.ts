import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { loadConfig, type Config } from '@seafarer/config';
import type { JoinGrantClaims, JoinGrantView } from '@seafarer/contracts';
import { createJoinGrants, signingKeys, systemClock } from '@seafarer/core';
import { buildLiveServer, type LiveServer } from '../../services/live/src/app';
import { startTestApp, type TestApp } from '../helpers/app';
import { movableClock } from '../helpers/clock';
import { confirmedClass, type ConfirmedClass } from '../helpers/cluster';
import { connectWithGrant, type RawPeer } from '../helpers/live-socket';

/**
 * REL-1: one room's trouble is that room's. A room whose recording cannot be stored when it closes
 * (PostgreSQL refuses the row: a trigger in this test database raises on insert into `recordings`, for
 * that session only) is closed all the same, the store is logged and retried, and the node goes on
 * serving every other room; and a grant for a session that does not exist, or that its class does not
 * run, is refused at admission with a code — nothing is set up for it.
 */
let t: TestApp;
let live: LiveServer;
let liveConfig: Config;
let liveUrl: string;
let klass: ConfirmedClass;
let other: ConfirmedClass;
const lines: Array<{
  level: number;
  msg: string;
  task?: string;
  sessionId?: string;
  err?: { message: string };
}> = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const peers: RawPeer[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const clock = movableClock();
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-robust-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  liveConfig = loadConfig({ ...process.env, LOG_LEVEL: 'info', LIVE_WORKERS: '1', ...shared });
  // The node's own log, as an operator would read it.
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  live = await buildLiveServer({ config: liveConfig, log });
  liveUrl = `http://127.0.0.1:${await live.listen(0, '127.0.0.1')}`;
  t = await startTestApp(
    { ...shared, LIVE_PUBLIC_URL: liveUrl, REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'R', name: '健壮性测试班', rosterSeed: 700 });
  clock.reset(); // the second class is filed today too; both sit in the same timetable window after
  other = await confirmedClass(t, clock, { code: 'S', name: '另一个班', rosterSeed: 720 });
}, 120_000);
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const p of peers) p.close();
  await t?.app.core.db.execute(sql.raw(`drop function if exists ${triggerFn} cascade`));
  await live?.close();
  await t?.close();
}, 60_000);

const triggerFn = `test_refuse_recording_${randomBytes(4).toString('hex')}`;
/** A real refusal by PostgreSQL of this session's recording row (insert or update), nobody else's. */
const refuseRecordingOf = (sessionId: string) =>
  t.app.core.db.execute(
    sql.raw(`
      create function ${triggerFn}() returns trigger language plpgsql as $$
      begin
        if new.session_id = '${sessionId}' then
          raise exception 'injected: recordings refused for %', new.session_id;
        end if;
        return new;
      end $$;
      create trigger ${triggerFn} before insert or update on recordings
        for each row execute function ${triggerFn}();`),
  );

/** A grant signed with the live node's key (what a forged or stale grant would look like). */
async function signedGrant(over: Partial<JoinGrantClaims>, who = klass.w.as.instructor) {
  const me = await who.auth.me();
  const claims: JoinGrantClaims = {
    sub: me.accountId,
    name: me.displayName,
    cls: klass.classId,
    ses: klass.sessionId,
    role: 'instructor',
    hidden: false,
    end: Date.now() + 3_600_000,
    cap: 3,
    inst: klass.w.institutionId,
    ...over,
  };
  const { grant, expiresAt } = createJoinGrants(
    signingKeys(liveConfig.JWT_SECRET).joinGrant,
    systemClock,
  ).sign(claims);
  return {
    grant,
    expiresAt: expiresAt.toISOString(),
    liveRole: claims.role,
    hidden: claims.hidden,
    classId: claims.cls,
    sessionId: claims.ses,
    liveUrl,
  } satisfies JoinGrantView;
}
async function join(grant: JoinGrantView): Promise<RawPeer> {
  const c = await connectWithGrant(liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code} ${c.error.message.en}`);
  peers.push(c.peer);
  return c.peer;
}
const noMedia = { rtpCapabilities: {}, device: { camera: false, mic: false } };
const healthz = async () => {
  const res = await fetch(`${liveUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('one room cannot take the live node down', () => {
  it('[REL-1] a grant for a session that does not exist, or for a session of another class, is refused at admission with a code; no room is opened', async () => {
    const missing = await connectWithGrant(liveUrl, await signedGrant({ ses: randomUUID() }));
    expect(missing).toMatchObject({
      ok: false,
      stage: 'connect',
      error: {
        code: 'NOT_FOUND',
        message: { zh: '本次课不存在', en: 'This session does not exist' },
        details: { reason: 'no_such_session' },
      },
    });
    // A real session, but of another class (and institution) than the grant's.
    const foreign = await connectWithGrant(liveUrl, await signedGrant({ ses: other.sessionId }));
    expect(foreign).toMatchObject({
      ok: false,
      stage: 'connect',
      error: { code: 'NOT_FOUND', details: { reason: 'not_a_session_of_the_class' } },
    });
    expect(foreign.ok === false && foreign.error.message.en).toBe(
      "This session is not on this class's timetable",
    );
    expect(live.signaling.rooms.size).toBe(0);
    // The grant the API signs for the class's own session is admitted.
    const ok = await join(await klass.grant(klass.w.as.instructor));
    expect(live.signaling.rooms.has(klass.sessionId)).toBe(true);
    ok.close();
    await sleep(200);
  });

  it('[REL-1] the recording of a closing room cannot be stored: the room closes anyway, the store is logged and retried, and the other room goes on (chat, transports, new admissions, /healthz)', async () => {
    const sessions = await klass.w.as.manager.call<{ current: { sessions: Array<{ id: string }> } }>(
      'GET',
      `/api/v1/classes/${klass.classId}`,
    );
    const closing = sessions.current.sessions[1]!.id;
    await refuseRecordingOf(closing);
    // The room that keeps running: the class's first session, instructor and a trainee.
    const teacher = await join(await klass.grant(klass.w.as.instructor));
    const trainee = await join(await klass.grant(klass.trainees[0]!));
    await Promise.all([teacher, trainee].map((p) => p.ack('room.join', noMedia)));
    // The room that closes: its timetable window ends in 3 s.
    // (The class manager's: one live connection per account, so not the instructor's.)
    const doomed = await join(
      await signedGrant(
        { ses: closing, role: 'class_manager', end: Date.now() - 30 * 60_000 + 3_000 },
        klass.w.as.manager,
      ),
    );
    const ended = new Promise<{ by: string }>((r) => doomed.socket.once('session.ended', r));
    expect((await ended).by).toContain('Timetable');

    // The store was refused by PostgreSQL, logged with the error, and is being retried.
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.task === 'store the recording' && l.level === 40) && Date.now() < deadline)
      await sleep(100);
    const failed = lines.find((l) => l.task === 'store the recording' && l.level === 40)!;
    expect(failed).toMatchObject({ sessionId: closing, msg: 'store the recording: failed; retrying' });
    expect(JSON.stringify(failed.err)).toContain('injected: recordings refused');
    expect(await t.app.core.recordings.get(closing)).toBeUndefined();
    // The room is closed all the same: gone from the node, its end on record (a new grant is refused).
    expect(live.signaling.rooms.has(closing)).toBe(false);
    const again = await connectWithGrant(
      liveUrl,
      await signedGrant({ ses: closing, role: 'class_manager' }, klass.w.as.manager),
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'PRECONDITION_FAILED' } });

    // Meanwhile the other room is served: chat both ways, a media transport, a newcomer admitted.
    const said = await trainee.ack('chat.send', { text: '老师，能听到吗？' });
    expect(said).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    await sleep(200);
    expect(teacher.received('chat.message').map((m) => m.text)).toContain('老师，能听到吗？');
    expect(await teacher.ack('transport.create', { direction: 'send' })).toMatchObject({
      ok: true,
      data: { id: expect.any(String) },
    });
    const newcomer = await join(await klass.grant(klass.trainees[1]!));
    expect(await newcomer.ack('room.join', noMedia)).toMatchObject({ ok: true });
    const health = await healthz();
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', unhandledErrors: 0 } });

    // The database takes the row again: the retry stores it (no restart, nothing lost).
    await t.app.core.db.execute(sql.raw(`drop function ${triggerFn} cascade`));
    const until = Date.now() + 20_000;
    let rec = await t.app.core.recordings.get(closing);
    while (!rec && Date.now() < until) {
      await sleep(250);
      rec = await t.app.core.recordings.get(closing);
    }
    expect(rec).toMatchObject({ sessionId: closing, classId: klass.classId });
    expect(lines.some((l) => l.task === 'store the recording' && l.msg.includes('done after retrying'))).toBe(
      true,
    );
    expect((await healthz()).body).toMatchObject({ housekeepingFailures: 0 });
    // Nothing went unhandled in this process, which the old code's `void closeAtTimetableEnd` did.
    expect(unhandled).toEqual([]);
  });
});
