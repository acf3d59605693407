import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { and, eq } from 'drizzle-orm';
import { loadConfig } from '@seafarer/config';
import type {
  ClassView,
  MonitoringWallView,
  OfficerDashboardView,
  RecordingReviewView,
  SupervisionSessionView,
} from '@seafarer/contracts';
import {
  livePresenceEvents,
  oversightItems,
  rollCallResponses,
  rollCalls,
  spotCheckItems,
  spotChecks,
} from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import { buildLiveServer, type LiveServer } from '../services/live/src/app';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { confirmedClass, type ConfirmedClass } from './helpers/cluster';
import { joinRaw, type RawPeer } from './helpers/live-socket';
import { addDays } from './helpers/world';

/**
 * JS-16 / TM-6: the officer's dashboard, wall and supervision view over two jurisdictions. Classes,
 * filings and recordings through the API and core's own paths; presence through the real live socket
 * (raw peers publishing RTP-less producers, which is what the presence log records); roll-call and
 * spot-check outcomes and overdue findings are inserted as rows (test-only: their own features are
 * other helpers' work, written to the same tables).
 */
const clock = movableClock();
let t: TestApp;
let live: LiveServer;
let A: ConfirmedClass;
let B: ConfirmedClass;
let day: string;
let sessionsA: string[];
let sessionsB: string[];
let traineeIds: string[];
let officerA: string;
const peers: RawPeer[] = [];

const me = async (c: Client) => (await c.auth.me()).accountId;

async function enter(c: Client, cls: ConfirmedClass, sessionId: string, media: Array<'camera' | 'mic'>) {
  const p = await joinRaw(c, cls.classId, sessionId);
  peers.push(p);
  const j = await p.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
  if (!j.ok) throw new Error(`join refused: ${j.error.code}`);
  if (media.length > 0) {
    const tr = await p.ack('transport.create', { direction: 'send' });
    if (!tr.ok) throw new Error(`transport refused: ${tr.error.code}`);
    const transportId = (tr.data as { id: string }).id;
    for (const source of media) {
      const r = await p.ack('produce', {
        transportId,
        kind: source === 'camera' ? 'video' : 'audio',
        source,
        rtpParameters:
          source === 'camera'
            ? {
                codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
                encodings: [{ ssrc: 20000000 + peers.length }],
              }
            : {
                codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
                encodings: [{ ssrc: 10000000 + peers.length }],
              },
      });
      if (!r.ok) throw new Error(`produce refused: ${r.error.code}`);
    }
  }
  return p;
}

/** Everyone leaves, and the leaves are stored (stamped before the clock moves on). */
async function leaveAll(sessionId: string) {
  const n = peers.length;
  for (const p of peers.splice(0)) p.close();
  const end = Date.now() + 20_000;
  for (;;) {
    const leaves = await t.app.core.db
      .select({ id: livePresenceEvents.id })
      .from(livePresenceEvents)
      .where(and(eq(livePresenceEvents.sessionId, sessionId), eq(livePresenceEvents.event, 'leave')));
    if (leaves.length >= n) return;
    if (Date.now() > end) throw new Error(`only ${leaves.length} of ${n} leaves stored`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitPresence(sessionId: string, count: number) {
  const end = Date.now() + 20_000;
  for (;;) {
    const rows = await t.app.core.db
      .select({ id: livePresenceEvents.id })
      .from(livePresenceEvents)
      .where(eq(livePresenceEvents.sessionId, sessionId));
    if (rows.length >= count) return;
    if (Date.now() > end) throw new Error(`presence: ${rows.length} of ${count} events stored`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-supervision-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  live = await buildLiveServer({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent', LIVE_WORKERS: '1', ...shared }),
    log: pino({ level: 'silent' }),
    clock,
  });
  const port = await live.listen(0, '127.0.0.1');
  t = await startTestApp(
    {
      LIVE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
      ...shared,
    },
    { clock },
  );
  A = await confirmedClass(t, clock, { code: 'SA', name: '监管测试班', rosterSeed: 610 });
  // Another institution in another jurisdiction, live at the same time (made and filed in real time).
  clock.reset();
  B = await confirmedClass(t, clock, { code: 'SB', name: '他辖区测试班', rosterSeed: 620 });
  const of = async (c: ConfirmedClass) =>
    (await c.w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.classId}`)).current.sessions.map(
      (s) => s.id,
    );
  sessionsA = await of(A);
  sessionsB = await of(B);
  day = (await A.w.as.manager.call<ClassView>('GET', `/api/v1/classes/${A.classId}`)).current
    .firstSessionDate;
  traineeIds = await Promise.all(A.trainees.map(me));
  officerA = await me(A.w.as.officer);
  // A filing waiting for the officer: the world's draft class, filed today (real time: its deadline holds).
  const at = clock.now();
  clock.reset();
  await A.w.as.manager.call('POST', `/api/v1/classes/${A.w.classId}/plan/file`);
  await B.w.as.manager.call('POST', `/api/v1/classes/${B.w.classId}/plan/file`);
  clock.set(at);

  // Sessions 1 and 2: the instructor and trainee 0 (camera and microphone) attend; trainees 1 and 2 do not.
  for (const [i, sid] of sessionsA.slice(0, 2).entries()) {
    clock.set(china(addDays(day, i), '08:35:00'));
    await enter(A.w.as.instructor, A, sid, []);
    await enter(A.trainees[0]!, A, sid, ['camera', 'mic']);
    await waitPresence(sid, 4);
    clock.set(china(addDays(day, i), '09:05:00'));
    await leaveAll(sid);
  }
  // Session 3, live now: the instructor, trainee 0 with media, trainee 1 in the room with no camera.
  clock.set(china(addDays(day, 2), '09:00:00'));
  await enter(A.w.as.instructor, A, sessionsA[2]!, []);
  await enter(A.trainees[0]!, A, sessionsA[2]!, ['camera', 'mic']);
  await enter(A.trainees[1]!, A, sessionsA[2]!, []);
  await waitPresence(sessionsA[2]!, 5);
  clock.set(china(addDays(day, 2), '09:07:30'));

  // Roll-call and spot-check outcomes, and findings, as their own features store them (test-only rows).
  const db = t.app.core.db;
  const rc = async (cls: ConfirmedClass, sessionId: string, outcomes: Array<[string, string]>) => {
    const [r] = await db
      .insert(rollCalls)
      .values({
        institutionId: cls.w.institutionId,
        classId: cls.classId,
        sessionId,
        origin: 'instructor',
        status: 'closed',
        windowS: 60,
        firedAt: china(addDays(day, 2), '09:02:00'),
        closedAt: china(addDays(day, 2), '09:03:00'),
      })
      .returning();
    await db
      .insert(rollCallResponses)
      .values(outcomes.map(([accountId, outcome]) => ({ rollCallId: r!.id, accountId, outcome })));
  };
  await rc(A, sessionsA[2]!, [
    [traineeIds[0]!, 'present'],
    [traineeIds[1]!, 'late'],
    [traineeIds[2]!, 'not_in_room'],
  ]);
  await rc(B, sessionsB[2]!, [[await me(B.trainees[0]!), 'absent']]);
  const [sc] = await db
    .insert(spotChecks)
    .values({
      institutionId: A.w.institutionId,
      classId: A.classId,
      sessionId: sessionsA[2]!,
      origin: 'officer',
      startedBy: officerA,
      seed: 'seed',
      sampleSize: 2,
      population: traineeIds.slice(0, 2),
    })
    .returning();
  await db.insert(spotCheckItems).values([
    { spotCheckId: sc!.id, accountId: traineeIds[0]!, verdict: 'match' },
    {
      spotCheckId: sc!.id,
      accountId: traineeIds[1]!,
      verdict: 'mismatch',
      stillAt: china(addDays(day, 2), '09:04:00'),
    },
  ]);
  const item = (
    cls: ConfirmedClass,
    recordedBy: string,
    title: string,
    status: string,
    overdue: boolean,
  ) => ({
    institutionId: cls.w.institutionId,
    jurisdictionId: cls.w.jurisdictionId,
    kind: 'finding',
    title,
    detail: '检查发现问题',
    occurredOn: addDays(day, -20),
    deadline: addDays(day, -5),
    status,
    overdueAt: overdue ? china(addDays(day, -4), '00:10:00') : null,
    recordedBy,
  });
  await db
    .insert(oversightItems)
    .values([
      item(A, officerA, '签到记录不全', 'open', true),
      item(A, officerA, '已整改的问题', 'accepted', true),
      item(A, officerA, '未到期的问题', 'open', false),
      item(B, await me(B.w.as.officer), '他辖区逾期问题', 'open', true),
    ]);
}, 300_000);

afterAll(async () => {
  for (const p of peers) p.close();
  await live?.close();
  await t?.close();
}, 60_000);

describe('officer supervision', () => {
  it('[JS-16] the dashboard lists live classes, waiting filings and anomalies of the jurisdiction only', async () => {
    const d = await A.w.as.officer.call<OfficerDashboardView>('GET', '/api/v1/officer/dashboard');
    // Live now: class A's third session, its room open, one trainee present of three; not B's class.
    expect(d.live.map((l) => l.classId)).toEqual([A.classId]);
    expect(d.live[0]).toMatchObject({
      sessionId: sessionsA[2],
      sessionSeq: 3,
      roomOpen: true,
      instructorPresent: true,
      traineesPresent: 1,
      rosterCount: 3,
      instructorName: '资深教员',
    });
    // Filings waiting: the world's draft class, filed; not the other jurisdiction's.
    expect(d.filings.map((f) => f.classId)).toEqual([A.w.classId]);
    // Anomalies of the last 7 days, each a person's, with words in zh and en (China time).
    const byKind = (kind: string) => d.anomalies.filter((a) => a.kind === kind);
    expect(d.anomalies.every((a) => a.classId === A.classId)).toBe(true);
    const camera = byKind('camera_off_long');
    expect(camera.map((a) => a.accountId)).toEqual([traineeIds[1]]);
    expect(camera[0]!.sessionId).toBe(sessionsA[2]);
    expect(camera[0]!.detail.zh).toBe(`在课堂中未开摄像头 8 分钟（${addDays(day, 2).slice(5)} 09:00–09:07）`);
    expect(
      byKind('repeated_absence')
        .map((a) => a.accountId)
        .sort(),
    ).toEqual([traineeIds[1], traineeIds[2]].sort());
    expect(byKind('repeated_absence')[0]!.detail.zh).toContain('缺课 2 次（第 1、2 次课）');
    expect(byKind('roll_call_missed').map((a) => [a.accountId, a.detail.zh])).toEqual([
      [traineeIds[2], `${addDays(day, 2).slice(5)} 09:02 点名：不在课堂（教员发起）`],
    ]);
    expect(byKind('spot_check_failed').map((a) => [a.accountId, a.detail.en])).toEqual([
      [
        traineeIds[1],
        `Identity spot check at ${addDays(day, 2).slice(5)} 09:04 China time: Does not match the ID photo`,
      ],
    ]);
    expect(d.anomalies.some((a) => a.accountId === traineeIds[0])).toBe(false);
    // Names, not ids: the trainee's name from the roster.
    expect(d.anomalies.every((a) => a.traineeName && !/^[0-9a-f-]{36}$/.test(a.traineeName))).toBe(true);
    // The live class carries its session's anomalies.
    expect(d.live[0]!.anomalies.map((a) => a.kind).sort()).toEqual(
      ['camera_off_long', 'roll_call_missed', 'spot_check_failed'].sort(),
    );
    // Overdue rectifications: marked overdue, not accepted, of this jurisdiction.
    expect(d.overdue.map((o) => o.title)).toEqual(['签到记录不全']);

    // The other jurisdiction's officer sees their own class only, nothing of A.
    const other = await B.w.as.officer.call<OfficerDashboardView>('GET', '/api/v1/officer/dashboard');
    expect(other.live.map((l) => l.classId)).toEqual([B.classId]);
    expect(other.live[0]).toMatchObject({ roomOpen: false, traineesPresent: 0 });
    expect(other.filings.map((f) => f.classId)).toEqual([B.w.classId]);
    expect(other.anomalies.map((a) => [a.classId, a.kind])).toEqual([[B.classId, 'roll_call_missed']]);
    expect(other.overdue.map((o) => o.title)).toEqual(['他辖区逾期问题']);

    // The wall: every live class of the jurisdiction, with its head count.
    const wall = await A.w.as.officer.call<MonitoringWallView>('GET', '/api/v1/officer/wall');
    expect(wall.items.map((i) => [i.classId, i.traineesPresent, i.rosterCount])).toEqual([[A.classId, 1, 3]]);

    // Trainees, instructors and managers are refused.
    for (const who of [A.trainees[0]!, A.w.as.instructor, A.w.as.manager, A.w.as.admin])
      for (const url of ['/api/v1/officer/dashboard', '/api/v1/officer/wall', '/api/v1/officer/sessions']) {
        const r = await who.raw('GET', url);
        expect(r.status).toBe(403);
        expect((r.body as { code: string }).code).toBe('FORBIDDEN');
      }
  });

  it('[TM-6] the supervision view shows recordings with their gaps, and the review log who reviewed what', async () => {
    const core = t.app.core;
    const s1 = sessionsA[0]!;
    const start = china(day, '08:35:00');
    const iso = (s: number) => new Date(start.getTime() + s * 1000).toISOString();
    await core.recordings.saveManifest(
      {
        sessionId: s1,
        startedAt: iso(0),
        endedAt: iso(1800),
        segments: [0, 1].map((index) => ({
          index,
          file: `segment-${index}.webm`,
          startedAt: iso(index === 0 ? 1 : 1000),
          endedAt: iso(index === 0 ? 900 : 1800),
          bytes: 1000,
          sha256: 'a'.repeat(64),
          reason: index === 0 ? 'session_started' : 'recorder_restarted',
          endReason: index === 0 ? 'worker_died' : 'stopped',
          tracks: ['mic', 'camera'],
        })),
        gaps: [
          { from: iso(0), to: iso(1), reason: 'recorder_starting' },
          { from: iso(900), to: iso(1000), reason: 'worker_died' },
        ],
      },
      { classId: A.classId, institutionId: A.w.institutionId },
    );
    await core.recordings.markReplay(s1, {
      key: 'replays/x.webm',
      sha256: 'b'.repeat(64),
      bytes: 10,
      durationS: 1699,
    });

    const list = async (who: Client, q = `?from=${day}&to=${addDays(day, 2)}`) =>
      (await who.call<{ items: SupervisionSessionView[] }>('GET', `/api/v1/officer/sessions${q}`)).items;
    let items = await list(A.w.as.officer);
    // Sessions 1–3 of class A (the third is on now); not B's.
    expect(items.map((s) => s.sessionSeq)).toEqual([3, 2, 1]);
    expect(items.every((s) => s.classId === A.classId)).toBe(true);
    const one = items.find((s) => s.sessionId === s1)!;
    expect(one.recording).toMatchObject({
      status: 'ready',
      statusLabel: { zh: '回放可看', en: 'Replay ready' },
      durationS: 1699,
      segments: 2,
    });
    expect(one.recording.gaps.map((g) => [g.seconds, g.reasonLabel.zh, g.reasonLabel.en])).toEqual([
      [1, '录制启动中', 'Recorder starting'],
      [100, '媒体服务进程中断', 'Media worker died'],
    ]);
    expect(one.reviewed).toBe(false);
    expect(items.find((s) => s.sessionSeq === 2)!.recording).toMatchObject({ status: 'none', segments: 0 });

    // Opening the replay as an officer logs a review; a written review with the stretch watched too.
    await A.w.as.officer.call('POST', `/api/v1/classes/${A.classId}/sessions/${s1}/replay-url`);
    clock.set(new Date(clock.now().getTime() + 60_000));
    const logged = await A.w.as.officer.call<RecordingReviewView>(
      'POST',
      `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
      { body: { fromS: 880, toS: 1020, note: '中断前后画面完整，缺口有记录' } },
    );
    expect(logged).toMatchObject({ reviewerName: '海事检查员', fromS: 880, toS: 1020 });
    const log = (
      await A.w.as.officer.call<{ items: RecordingReviewView[] }>(
        'GET',
        `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
      )
    ).items;
    expect(log.map((r) => [r.reviewerId, r.note])).toEqual([
      [officerA, '中断前后画面完整，缺口有记录'],
      [officerA, null],
    ]);
    items = await list(A.w.as.officer);
    expect(items.find((s) => s.sessionId === s1)).toMatchObject({ reviewed: true });
    expect(items.find((s) => s.sessionId === s1)!.reviews).toHaveLength(2);
    // The institution's admin reads the log of its own class.
    const adminLog = await A.w.as.admin.call<{ items: RecordingReviewView[] }>(
      'GET',
      `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
    );
    expect(adminLog.items).toHaveLength(2);
    // Audited.
    const audit = await A.w.as.admin.institutions.auditEvents(A.w.institutionId, {
      action: 'recording.reviewed',
    });
    expect(audit.items.map((e) => e.targetId)).toEqual([s1]);

    // Another jurisdiction's officer: nothing of A in the list; A's session unknown to them.
    expect((await list(B.w.as.officer)).some((s) => s.classId === A.classId)).toBe(false);
    for (const [method, body] of [
      ['POST', { note: '越权' }],
      ['GET', undefined],
    ] as const) {
      const r = await B.w.as.officer.raw(
        method,
        `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
        {
          ...(body && { body }),
        },
      );
      expect(r.status).toBe(404);
    }
    // A session of another class under A's class id: refused.
    const wrong = await A.w.as.officer.raw(
      'POST',
      `/api/v1/classes/${A.classId}/sessions/${sessionsB[0]}/recording-reviews`,
      { body: { note: '不属于该班' } },
    );
    expect(wrong.status).toBe(404);
    // Managers and trainees may not log reviews.
    for (const who of [A.w.as.manager, A.trainees[0]!]) {
      const r = await who.raw('POST', `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`, {
        body: { note: '我也看了' },
      });
      expect(r.status).toBe(403);
    }
    // Bad input: a coded 400, nothing stored.
    const bad = await A.w.as.officer.raw(
      'POST',
      `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
      {
        body: { fromS: 100, toS: 50, note: '反了' },
      },
    );
    expect(bad.status).toBe(400);
    const badRange = await A.w.as.officer.raw(
      'GET',
      `/api/v1/officer/sessions?from=${addDays(day, 2)}&to=${day}`,
    );
    expect(badRange.status).toBe(400);
    expect(
      (
        await A.w.as.officer.call<{ items: RecordingReviewView[] }>(
          'GET',
          `/api/v1/classes/${A.classId}/sessions/${s1}/recording-reviews`,
        )
      ).items,
    ).toHaveLength(2);
  });
});
