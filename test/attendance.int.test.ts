import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { loadConfig } from '@seafarer/config';
import type {
  AttendanceReviewResult,
  ClassAttendanceView,
  TimelineView,
  TraineeAttendanceView,
} from '@seafarer/contracts';
import { livePresenceEvents, recordings, rollCallResponses, rollCalls, rosterEntries } from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import { buildLiveServer, type LiveServer } from '../services/live/src/app';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { confirmedClass, type ConfirmedClass } from './helpers/cluster';
import { connectWithGrant, type RawPeer } from './helpers/live-socket';
import { createWorld, type World } from './helpers/world';

/**
 * JS-13.2 / JS-15 / JS-16 through the real path: trainees' presence made by the real live service over
 * its socket (raw peers publishing camera and microphone), the API's clock and the live node's clock
 * moved together through the first session (08:30–12:30 China time).
 *
 * Roll-calls go through the live room's own requests ('rollcall.start' by the instructor, 'rollcall.answer'
 * by the trainees); the live node's timers run on real time, so a roll-call is closed by moving the
 * clock past its late answers' end and running the node's own sweep (what its 15 s interval does).
 */
let t: TestApp;
let live: LiveServer;
let klass: ConfirmedClass;
let other: World;
const clock = movableClock();
const peers: RawPeer[] = [];
let instructor: RawPeer;
let day: string;
let ids: string[];
let names: string[];
const at = (hhmm: string) => china(day, `${hhmm}:00`);

beforeAll(async () => {
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-attendance-')),
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
  klass = await confirmedClass(t, clock, { code: 'AT', name: '考勤测试班', rosterSeed: 700 });
  other = await createWorld(t);
  const mes = await Promise.all(klass.trainees.map((c) => c.auth.me()));
  ids = mes.map((m) => m.accountId);
  const roster = await t.app.core.db
    .select({ accountId: rosterEntries.accountId, name: rosterEntries.name })
    .from(rosterEntries)
    .where(eq(rosterEntries.classId, klass.classId));
  names = ids.map((id) => roster.find((r) => r.accountId === id)!.name);
  day = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}, 180_000);
afterAll(async () => {
  for (const p of peers) p.close();
  await live?.close();
  await t?.close();
}, 60_000);

/** A raw peer admitted and joined to the room. */
async function joined(who: Client): Promise<RawPeer> {
  const grant = await klass.grant(who);
  const c = await connectWithGrant(grant.liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peers.push(c.peer);
  const j = await c.peer.ack('room.join', { rtpCapabilities: {}, device: { camera: true, mic: true } });
  if (!j.ok) throw new Error(`room.join refused: ${j.error.code}`);
  return c.peer;
}

const sendOf = new Map<RawPeer, string>();
const cameraOf = new Map<RawPeer, string>();
/** Publishes the microphone or the camera (the server sees a producer; no media needs to flow). */
async function produce(p: RawPeer, source: 'mic' | 'camera') {
  if (!sendOf.has(p)) {
    const send = await p.ack('transport.create', { direction: 'send' });
    if (!send.ok) throw new Error(`transport refused: ${send.error.code}`);
    sendOf.set(p, send.data.id);
  }
  const r = await p.ack('produce', {
    transportId: sendOf.get(p)!,
    kind: source === 'mic' ? 'audio' : 'video',
    source,
    rtpParameters: {
      codecs: [
        source === 'mic'
          ? { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }
          : { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
      ],
      encodings: [{ ssrc: 1000 + Math.floor(Math.random() * 1e6) }],
    },
  });
  if (!r.ok) throw new Error(`produce ${source} refused: ${r.error.code}`);
  if (source === 'camera') cameraOf.set(p, r.data.id);
}

/** A trainee in the room publishing microphone and camera, as the browser's room does. */
async function enter(who: Client): Promise<RawPeer> {
  const p = await joined(who);
  await produce(p, 'mic');
  await produce(p, 'camera');
  return p;
}

/** Waits until the live node's journal has stored `n` presence events of `accountId`. */
async function storedEvents(accountId: string, n: number, until?: string) {
  for (let i = 0; i < 200; i++) {
    const rows = await t.app.core.db
      .select({ event: livePresenceEvents.event })
      .from(livePresenceEvents)
      .where(
        and(eq(livePresenceEvents.sessionId, klass.sessionId), eq(livePresenceEvents.accountId, accountId)),
      );
    if (rows.length >= n && (!until || rows.some((r) => r.event === until))) return rows.map((r) => r.event);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`presence of ${accountId} not stored`);
}

/** The instructor starts a roll-call at `hhmm`; the trainees named in `answering` answer it; it is closed. */
async function rollCall(hhmm: string, answering: RawPeer[]): Promise<string> {
  clock.set(at(hhmm));
  const started = await instructor.ack('rollcall.start', {});
  if (!started.ok) throw new Error(`rollcall.start refused: ${started.error.code}`);
  const id = started.data.rollCallId;
  clock.set(new Date(at(hhmm).getTime() + 10_000));
  for (const p of answering) {
    const r = await p.ack('rollcall.answer', { rollCallId: id });
    if (!r.ok) throw new Error(`rollcall.answer refused: ${r.error.code}`);
  }
  // Past the late answers' end: the node's sweep closes it (final outcomes, hashed, audited).
  clock.set(new Date(at(hhmm).getTime() + 10 * 60_000));
  for (let i = 0; i < 100; i++) {
    await live.signaling.rollCalls.sweep();
    const [rc] = await t.app.core.db.select().from(rollCalls).where(eq(rollCalls.id, id));
    if (rc!.status === 'closed') return id;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`roll-call ${id} not closed`);
}

const attendance = (who: Client = klass.w.as.manager, query = '') =>
  who.call<ClassAttendanceView>('GET', `/api/v1/classes/${klass.classId}/attendance${query}`);
type Row = ClassAttendanceView['trainees'][number]['sessions'][number];
const rowOf = (v: ClassAttendanceView, i: number) => v.trainees.find((x) => x.accountId === ids[i])!;

let missed: string;
let cameraOff: string;

describe('attendance and credited hours', () => {
  it('[JS-15] credited hours follow the rule: presence minutes from the live socket, a missed roll-call withholds minutes until the manager credits them', async () => {
    // Trainee 0 from 08:30, trainee 1 from 08:42 (late); trainee 2 never comes.
    clock.set(at('08:28'));
    instructor = await joined(klass.w.as.instructor);
    clock.set(at('08:30'));
    const p0 = await enter(klass.trainees[0]!);
    clock.set(at('08:42'));
    const p1 = await enter(klass.trainees[1]!);
    await storedEvents(ids[0]!, 3);
    await storedEvents(ids[1]!, 3);
    // 09:30: trainee 0 answers, trainee 1 does not (absent), trainee 2 is not in the room.
    missed = await rollCall('09:30', [p0]);
    // 10:00: trainee 0 has just turned the camera off (camera off; back on at 10:02), trainee 1 answers.
    clock.set(at('10:00'));
    const camera = await p0.ack('producer.close', { producerId: cameraOf.get(p0)! });
    expect(camera.ok).toBe(true);
    await storedEvents(ids[0]!, 4);
    cameraOff = await rollCall('10:00', [p1]);
    clock.set(at('10:02'));
    await produce(p0, 'camera');
    await storedEvents(ids[0]!, 5);
    const outcomes = await t.app.core.db
      .select({
        rollCallId: rollCallResponses.rollCallId,
        accountId: rollCallResponses.accountId,
        outcome: rollCallResponses.outcome,
      })
      .from(rollCallResponses)
      .where(eq(rollCallResponses.rollCallId, missed));
    expect(ids.map((id) => outcomes.find((o) => o.accountId === id)?.outcome)).toEqual([
      'present',
      'absent',
      'not_in_room',
    ]);
    // Both leave at 10:30 (two hours before the end: left early).
    clock.set(at('10:30'));
    p0.close();
    p1.close();
    // A closed socket stores its producers' ends first, then the leave: wait for the leave itself.
    expect(await storedEvents(ids[0]!, 6, 'leave')).toContain('leave');
    await storedEvents(ids[1]!, 4, 'leave');
    clock.set(at('13:00'));

    const v = await attendance();
    expect(v.requiredRatio).toBe(0.9);
    expect(v.rule.zh).toContain('15 分钟');
    const [s0, s1, s2] = [0, 1, 2].map((i) => rowOf(v, i).sessions[0]!) as [Row, Row, Row];
    // 08:30–10:00 and 10:02–10:30 present; the camera-off roll-call at 10:00 withholds what is present of
    // 09:45–10:15 (15 + 13 min).
    expect(s0).toMatchObject({
      plannedMinutes: 240,
      presentMinutes: 118,
      firstPresent: '08:30',
      lastPresent: '10:30',
      lateMinutes: null,
      leftEarlyMinutes: 120,
      withheldMinutes: 28,
      pendingMinutes: 28,
      creditedMinutes: 90,
      creditedHours: 1.5,
    });
    // 08:42–10:30 (late 12 min); the missed roll-call at 09:30 withholds 09:15–09:45.
    expect(s1).toMatchObject({
      presentMinutes: 108,
      lateMinutes: 12,
      withheldMinutes: 30,
      creditedMinutes: 78,
    });
    expect(s1.checks.map((c) => [c.time, c.resultLabel.zh, c.state])).toEqual([
      ['09:30', '未应答', 'pending'],
      ['10:00', '到课', 'none'],
    ]);
    expect(s2).toMatchObject({ absent: true, presentMinutes: 0, creditedMinutes: 0 });
    // Per class: credited against the plan (16 h), the ratio of the 4 h held; everyone is below 90 %.
    expect(rowOf(v, 1).totals).toMatchObject({
      plannedHours: 16,
      heldMinutes: 240,
      creditedHours: 1.3,
      flagged: true,
    });

    // The manager credits the missed roll-call directly: the minutes come back.
    const decided = await klass.w.as.manager.call<AttendanceReviewResult>(
      'POST',
      `/api/v1/classes/${klass.classId}/attendance-reviews`,
      {
        body: {
          subjectKind: 'roll_call',
          subjectId: missed,
          accountId: ids[1],
          decision: 'credit',
          note: '网络故障，教员确认在场',
        },
      },
    );
    expect(decided).toMatchObject({
      decision: 'credit',
      decisionLabel: { zh: '认定学时' },
      appealText: null,
    });
    const after = rowOf(await attendance(), 1).sessions[0]!;
    expect(after).toMatchObject({ withheldMinutes: 0, creditedMinutes: 108 });
    expect(after.checks[0]).toMatchObject({ state: 'credited', review: { decision: 'credit' } });
    // Once decided, it stays decided (CONFLICT, nothing changed); a check that withholds nothing has nothing to decide.
    const again = await klass.w.as.manager.raw(
      'POST',
      `/api/v1/classes/${klass.classId}/attendance-reviews`,
      {
        body: {
          subjectKind: 'roll_call',
          subjectId: missed,
          accountId: ids[1],
          decision: 'withhold',
          note: 'x',
        },
      },
    );
    expect([again.status, (again.body as { code: string }).code]).toEqual([409, 'CONFLICT']);
    const nothing = await klass.w.as.manager.raw(
      'POST',
      `/api/v1/classes/${klass.classId}/attendance-reviews`,
      {
        body: {
          subjectKind: 'roll_call',
          subjectId: missed,
          accountId: ids[0],
          decision: 'credit',
          note: 'x',
        },
      },
    );
    expect([nothing.status, (nothing.body as { code: string }).code]).toEqual([422, 'PRECONDITION_FAILED']);
    const audit = await klass.w.as.admin.institutions.auditEvents(klass.w.institutionId, {
      action: 'attendance.decided',
    });
    expect(audit.items).toHaveLength(1);
  });

  it('[JS-15] a trainee appeals a missed roll-call, the manager credits it, the credited hours rise', async () => {
    const me = klass.trainees[0]!;
    const own = () => me.call<TraineeAttendanceView>('GET', `/api/v1/me/classes/${klass.classId}/attendance`);
    const before = await own();
    expect(before.creditedMinutes).toBe(90);
    expect(before.withheld).toEqual([
      expect.objectContaining({
        subjectId: cameraOff,
        time: '10:00',
        state: 'pending',
        mayAppeal: true,
        review: null,
      }),
    ]);
    const appeal = await me.call<AttendanceReviewResult>(
      'POST',
      `/api/v1/me/classes/${klass.classId}/attendance-appeals`,
      { body: { subjectKind: 'roll_call', subjectId: cameraOff, text: '摄像头故障，一直在听课' } },
    );
    expect(appeal).toMatchObject({ appealText: '摄像头故障，一直在听课', decision: null });
    const appealed = await own();
    expect(appealed.withheld[0]).toMatchObject({
      mayAppeal: false,
      review: { appealText: '摄像头故障，一直在听课' },
    });
    // Once per item; not for someone else's item; not for an item that withholds nothing.
    const twice = await me.raw('POST', `/api/v1/me/classes/${klass.classId}/attendance-appeals`, {
      body: { subjectKind: 'roll_call', subjectId: cameraOff, text: '再次申诉' },
    });
    expect(twice.status).toBe(409);
    // Each trainee appeals their own answer only (the subject is looked up with the caller's account):
    // trainee 2's own 'not in the room' is theirs to appeal; trainee 0 answered the first one: nothing to appeal.
    const theirOwn = await klass.trainees[2]!.raw(
      'POST',
      `/api/v1/me/classes/${klass.classId}/attendance-appeals`,
      {
        body: { subjectKind: 'roll_call', subjectId: missed, text: '我在教室外接电话' },
      },
    );
    expect(theirOwn.status).toBe(200);
    const nothing = await me.raw('POST', `/api/v1/me/classes/${klass.classId}/attendance-appeals`, {
      body: { subjectKind: 'roll_call', subjectId: missed, text: '没有暂扣' },
    });
    expect([nothing.status, (nothing.body as { code: string }).code]).toEqual([422, 'PRECONDITION_FAILED']);
    const unknown = await me.raw('POST', `/api/v1/me/classes/${klass.classId}/attendance-appeals`, {
      body: { subjectKind: 'spot_check', subjectId: cameraOff, text: '不存在' },
    });
    expect(unknown.status).toBe(404);

    // The instructor may not decide; the manager credits the appeal.
    const byInstructor = await klass.w.as.instructor.raw(
      'POST',
      `/api/v1/classes/${klass.classId}/attendance-reviews/${appeal.id}/decision`,
      { body: { decision: 'credit', note: '同意' } },
    );
    expect(byInstructor.status).toBe(403);
    await klass.w.as.manager.call(
      'POST',
      `/api/v1/classes/${klass.classId}/attendance-reviews/${appeal.id}/decision`,
      {
        body: { decision: 'credit', note: '经核实回放，学员在场' },
      },
    );
    const after = await own();
    expect(after.creditedMinutes).toBe(118);
    expect(after.creditedMinutes).toBeGreaterThan(before.creditedMinutes);
    expect(after.withheld[0]).toMatchObject({ state: 'credited', review: { decision: 'credit' } });
    const audit = await klass.w.as.admin.institutions.auditEvents(klass.w.institutionId, {
      action: 'attendance.appealed',
    });
    expect(audit.items.length).toBe(2);
    // The class manager was told of the appeal, the trainee of the decision.
    const told = (await klass.w.as.manager.notifications.list()).items.filter(
      (n) => n.kind === 'attendance.appealed',
    );
    expect(told.map((n) => n.title.zh)).toContain(`考勤申诉：${names[0]}`);
    expect(told.find((n) => n.title.zh === `考勤申诉：${names[0]}`)!.body.zh).toContain(
      `${day} 10:00 点名（未开摄像头） 暂扣学时，学员申诉：摄像头故障，一直在听课`,
    );
    const decidedNote = (await me.notifications.list()).items.find((n) => n.kind === 'attendance.decided')!;
    expect(decidedNote.title).toEqual({
      zh: '考勤判定：认定学时',
      en: 'Attendance decision: Credit the minutes',
    });
  });

  it('[JS-13.2] the attendance sheet XLSX has zh-CN headers, China time and human values', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/classes/${klass.classId}/attendance.xlsx?date=${day}`, {
      headers: { authorization: `Bearer ${klass.w.as.officer.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`attendance-${day}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['考勤表 Attendance', '汇总 Totals', '规则 Rule']);
    const ws = wb.getWorksheet('考勤表 Attendance')!;
    const title = String(ws.getCell('A1').value);
    expect(title).toContain(`测试航海学校${klass.w.code}`);
    expect(title).toContain('考勤测试班');
    expect(String(ws.getCell('A2').value)).toContain(`日期 Date：${day}`);
    const headers = (ws.getRow(3).values as unknown[]).slice(1);
    expect(headers.slice(0, 9)).toEqual([
      '序号 No.',
      '姓名 Name',
      '日期 Date',
      '课次 Session',
      '课表时间（北京时间） Timetable (China time)',
      '首次在线 First present',
      '最后在线 Last present',
      '出勤分钟 Minutes present',
      '出勤情况 Attendance',
    ]);
    const rows = [4, 5, 6].map((r) => (ws.getRow(r).values as unknown[]).slice(1));
    const byName = (i: number) => rows.find((r) => r[1] === names[i])!;
    expect(byName(0).slice(4, 9)).toEqual([
      `${day} 08:30–12:30`,
      '08:30',
      '10:30',
      118,
      '早退 120 分钟 left 120 min early',
    ]);
    expect(String(byName(0)[9])).toContain(
      '10:00 未开摄像头 Camera off（已判定认定学时 Decided: minutes credited）',
    );
    expect(byName(0)[13]).toBe(1.97);
    expect(byName(1)[8]).toBe('迟到 12 分钟，早退 120 分钟 late 12 min, left 120 min early');
    expect(String(byName(1)[9])).toContain('10:00 到课 Present');
    expect(byName(2)[8]).toBe('缺勤 Absent');
    // No code and no UTC instant anywhere on the sheet.
    const text = rows.flat().map(String).join(' ');
    expect(text).not.toMatch(/\b(present|absent|camera_off|not_in_room|pending)\b/);
    expect(text).not.toMatch(/T\d\d:\d\d|Z\b/);
    const totals = wb.getWorksheet('汇总 Totals')!;
    expect((totals.getRow(2).values as unknown[]).slice(1)).toEqual([
      '姓名 Name',
      '计划学时 Planned hours',
      '已上课时（分钟） Held so far (min)',
      '认定学时 Hours credited',
      '出勤率 Attendance ratio',
      '标注 Flag',
    ]);
    expect(String((totals.getRow(3).values as unknown[])[6])).toMatch(/低于 90%|正常/);
  });

  it('[JS-16] the evidence timeline lists a trainee’s events in order with replay links at the right offset', async () => {
    // The session's recording: 08:30–09:00, a gap 09:00–09:10, then 09:10–12:30 (the replay omits the gap).
    const manifest = {
      sessionId: klass.sessionId,
      startedAt: at('08:30').toISOString(),
      endedAt: at('12:30').toISOString(),
      segments: [
        { startedAt: at('08:30').toISOString(), endedAt: at('09:00').toISOString() },
        { startedAt: at('09:10').toISOString(), endedAt: at('12:30').toISOString() },
      ],
      gaps: [{ from: at('09:00').toISOString(), to: at('09:10').toISOString(), reason: 'recorder_restart' }],
    };
    const row = {
      sessionId: klass.sessionId,
      classId: klass.classId,
      institutionId: klass.w.institutionId,
      status: 'ready',
      manifest,
      replayKey: `replays/${klass.sessionId}.webm`,
    };
    await t.app.core.db
      .insert(recordings)
      .values(row)
      .onConflictDoUpdate({ target: recordings.sessionId, set: row });

    for (const who of [klass.w.as.manager, klass.w.as.officer]) {
      const tl = await who.call<TimelineView>(
        'GET',
        `/api/v1/classes/${klass.classId}/trainees/${ids[1]}/timeline`,
      );
      expect(tl.name).toBe(names[1]);
      const times = tl.entries.map((e) => e.at);
      expect([...times].sort()).toEqual(times);
      const line = (e: TimelineView['entries'][number]) => `${e.time.slice(11, 16)} ${e.label.zh}`;
      expect(tl.entries.filter((e) => e.kind !== 'identity').map(line)).toEqual([
        '08:42 进入课堂',
        '08:42 打开麦克风',
        '08:42 打开摄像头',
        '09:30 点名：未应答',
        '10:00 点名：到课',
        '10:30 关闭麦克风',
        '10:30 关闭摄像头',
        '10:30 离开课堂',
        '13:00 班主任判定：认定学时',
      ]);
      const absent = tl.entries.find((e) => e.event === 'absent')!;
      // 09:30 is 30 min of the first segment + 20 min of the second: 3000 s into the replay.
      expect(absent.replayOffsetS).toBe(3000);
      expect(absent.replayLink).toBe(
        `/app/replay.html?class=${klass.classId}&session=${klass.sessionId}#t=3000`,
      );
      expect(tl.entries.find((e) => e.event === 'join')!.replayOffsetS).toBe(12 * 60);
    }
    // The trainee reads their own; nobody's account outside the roster is a trainee of the class.
    const mine = await klass.trainees[1]!.call<TimelineView>(
      'GET',
      `/api/v1/me/classes/${klass.classId}/timeline`,
    );
    expect(mine.accountId).toBe(ids[1]);
    const notOnRoster = await klass.w.as.manager.raw(
      'GET',
      `/api/v1/classes/${klass.classId}/trainees/${klass.w.instructorId}/timeline`,
    );
    expect(notOnRoster.status).toBe(404);
  });

  it('[JS-15] [SEC-1] another institution’s manager and another jurisdiction’s officer are refused', async () => {
    const review = (await attendance()).trainees[1]!.sessions[0]!.checks[0]!.review!;
    const paths: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/classes/${klass.classId}/attendance`],
      ['GET', `/api/v1/classes/${klass.classId}/attendance.xlsx`],
      ['GET', `/api/v1/classes/${klass.classId}/trainees/${ids[1]}/timeline`],
      [
        'POST',
        `/api/v1/classes/${klass.classId}/attendance-reviews/${review.id}/decision`,
        { decision: 'withhold', note: '越权' },
      ],
      [
        'POST',
        `/api/v1/classes/${klass.classId}/attendance-reviews`,
        {
          subjectKind: 'roll_call',
          subjectId: cameraOff,
          accountId: ids[2],
          decision: 'credit',
          note: '越权',
        },
      ],
    ];
    for (const who of [other.as.manager, other.as.officer, other.as.admin])
      for (const [method, url, body] of paths) {
        const r = await who.raw(method, url, body === undefined ? {} : { body });
        expect([url, r.status]).toEqual([url, expect.any(Number)]);
        expect([403, 404]).toContain(r.status);
        expect((r.body as { code: string }).code).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
      }
    // A review of this class named under another class of the same institution is not found either.
    const ownClass = await other.as.manager.raw(
      'POST',
      `/api/v1/classes/${other.classId}/attendance-reviews/${review.id}/decision`,
      { body: { decision: 'withhold', note: '越权' } },
    );
    expect(ownClass.status).toBe(404);
    // A trainee of another class cannot appeal here.
    const stranger = await other.as.trainee.raw(
      'POST',
      `/api/v1/me/classes/${klass.classId}/attendance-appeals`,
      {
        body: { subjectKind: 'roll_call', subjectId: cameraOff, text: '越权' },
      },
    );
    expect(stranger.status).toBe(404);
    // Nothing changed: the decision stands.
    expect(rowOf(await attendance(), 1).sessions[0]!.checks[0]!.review!.decision).toBe('credit');
  });
});
