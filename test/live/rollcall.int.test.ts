import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import {
  auditEvents,
  classes,
  classSessions,
  evidenceFiles,
  rollCallResponses,
  rollCalls,
} from '@seafarer/db';
import { createRollCallRecords, systemClock } from '@seafarer/core';
import {
  SPOT_CHECK_VERDICT_LABELS,
  type OwnRollCall,
  type RollCallDetail,
  type RollCallSummary,
} from '@seafarer/contracts';
import { openRoom, startClassroom, waitState, type Classroom } from '../helpers/classroom';
import { NEW_PASSWORD, signIn } from '../helpers/world';

/**
 * JS-13.2 / JS-7.2 / JS-16: roll-calls in a live class, with real Chromium trainees (fake camera)
 * through the real SFU: the challenge, the answers (present / late / absent), camera off, not in the
 * room, the stills the server grabbed from each trainee's stream, and an officer's roll-call that the
 * trainees see as the class's.
 */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = {
  viewport: { width: 1366, height: 768 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};
const WINDOW_S = 8;
const SHOTS = '/tmp/helpers/shots/rollcall';

let room: Classroom;
let instructor: Page;
let officer: Page;
let trainees: Page[];
let ids: string[];

type W = {
  __live: {
    self: { id: string };
    rollCall: Record<string, unknown> | null;
    producers: Map<string, { track: { getSettings(): { width?: number; height?: number } } | null }>;
    request(n: string, d: unknown): Promise<unknown>;
  };
};
const selfId = (p: Page) => p.evaluate(() => (globalThis as unknown as W).__live.self.id);
const codeOf = (p: Page, name: string, data: unknown) =>
  p.evaluate(
    ([n, d]) =>
      (globalThis as unknown as W).__live.request(n as string, d).then(
        () => 'ok',
        (e: { data: { code: string } }) => e.data.code,
      ),
    [name, data] as const,
  );
const db = () => room.t.app.core.db;

async function responsesOf(rollCallId: string) {
  const rows = await db()
    .select()
    .from(rollCallResponses)
    .where(eq(rollCallResponses.rollCallId, rollCallId));
  return new Map(rows.map((r) => [r.accountId, r]));
}

async function waitClosed(rollCallId: string, timeout = 90_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const [rc] = await db().select().from(rollCalls).where(eq(rollCalls.id, rollCallId));
    if (rc?.status === 'closed') return rc;
    if (Date.now() > end) throw new Error(`roll-call not closed: ${rc?.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  room = await startClassroom();
  await db().update(classes).set({ rollCallWindowS: WINDOW_S }).where(eq(classes.id, room.classId));
  instructor = await openRoom(room, room.w.usernames.instructor, { device: DESKTOP });
  await waitState(instructor, 'joined');
  trainees = [];
  trainees.push(await openRoom(room, room.trainees[0]!.username, { device: PHONE }));
  for (const t of room.trainees.slice(1)) trainees.push(await openRoom(room, t.username));
  for (const p of trainees) await waitState(p, 'joined');
  officer = await openRoom(room, room.w.usernames.officer, { device: DESKTOP });
  await waitState(officer, 'joined');
  ids = await Promise.all(trainees.map(selfId));
  // Every trainee's camera reaches the server before the roll-call.
  const end = Date.now() + 30_000;
  for (;;) {
    const peers = room.live.signaling.rooms.get(room.sessionId)?.peers;
    if (ids.every((id) => peers?.get(id)?.producerOf('camera'))) break;
    if (Date.now() > end) throw new Error('trainee cameras not published');
    await new Promise((r) => setTimeout(r, 250));
  }
}, 300_000);
afterAll(() => room?.close(), 180_000);

describe('roll-calls in the live room', () => {
  let first: string;
  /** Opened in another session, which no live node hosts. */
  let elsewhere: string;

  it('[JS-13.2] an instructor roll-call reaches every trainee; one answers (present), one after the window (late), one never (absent)', async () => {
    await instructor.locator('#rollcall-start').click();
    for (const p of trainees) await p.locator('#rollcall-modal').waitFor({ timeout: 15_000 });
    first = (await trainees[0]!.evaluate(
      () => (globalThis as unknown as W).__live.rollCall!.rollCallId,
    )) as string;
    // The phone's prompt: what the trainee reads, and a button big enough to tap.
    const modal = trainees[0]!.locator('#rollcall-modal');
    await expect(modal.textContent()).resolves.toContain('点名 Roll-call');
    await expect(modal.textContent()).resolves.toMatch(/\d+ 秒/);
    const box = (await trainees[0]!.locator('#rollcall-here').boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThanOrEqual(80);
    await trainees[0]!.screenshot({ path: path.join(SHOTS, 'trainee-phone-prompt.png') });
    await trainees[0]!.locator('#rollcall-here').tap();
    await trainees[0]!.locator('#rollcall-toast', { hasText: '已应答：到课' }).waitFor();
    await trainees[0]!.screenshot({ path: path.join(SHOTS, 'trainee-phone-answered.png') });
    // The instructor sees it live.
    await instructor.locator('#rollcall-counts', { hasText: '已应答 1/3' }).waitFor({ timeout: 15_000 });
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-progress.png') });
    // The second answers after the window: late.
    const [rc] = await db().select().from(rollCalls).where(eq(rollCalls.id, first));
    await new Promise((r) => setTimeout(r, Math.max(0, rc!.closesAt!.getTime() - Date.now() + 1500)));
    await trainees[1]!.locator('#rollcall-modal .count.late').waitFor();
    await trainees[1]!.locator('#rollcall-here').click();
    await trainees[1]!.locator('#rollcall-toast', { hasText: '已应答：迟到应答' }).waitFor();

    const closed = await waitClosed(first);
    expect(closed.origin).toBe('instructor');
    expect(closed.outcomesSha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await responsesOf(first);
    expect([ids.map((id) => rows.get(id)?.outcome)]).toEqual([['present', 'late', 'absent']]);
    for (const id of ids) expect(rows.get(id)!.decidedAt).not.toBeNull();
    // Each outcome has the server's still: the stored bytes hash to the stored sha256 and are a JPEG
    // of that trainee's stream.
    for (const [i, id] of ids.entries()) {
      const r = rows.get(id)!;
      expect(r.stillEvidenceId).not.toBeNull();
      const [ev] = await db().select().from(evidenceFiles).where(eq(evidenceFiles.id, r.stillEvidenceId!));
      expect(ev!.kind).toBe('rollcall_still');
      const bytes = readFileSync(path.join(room.t.config.STORAGE_DIR, ev!.storageKey));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(ev!.sha256);
      const file = path.join(os.tmpdir(), `still-${id}.jpg`);
      writeFileSync(file, bytes);
      writeFileSync(path.join(SHOTS, `still-${i}.jpg`), bytes);
      const probe = JSON.parse(
        execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' }),
      ) as { streams: Array<{ codec_name: string; width: number; height: number }> };
      const s = probe.streams[0]!;
      expect(s.codec_name).toBe('mjpeg');
      const track = await trainees[i]!.evaluate(() =>
        (globalThis as unknown as W).__live.producers.get('camera')!.track!.getSettings(),
      );
      // The trainee's picture (its top simulcast layer; Chrome may scale it down under load, never up).
      expect(s.width).toBeLessThanOrEqual(track.width!);
      expect(s.width / s.height).toBeCloseTo(track.width! / track.height!, 1);
      expect(s.width).toBeGreaterThanOrEqual(160);
    }
    // The staff get the summary, each trainee their own outcome.
    await instructor.locator('#rollcall .rc-panel', { hasText: '点名已结束' }).waitFor();
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-closed.png') });
    await trainees[2]!.locator('#rollcall-toast', { hasText: '点名结果：未应答' }).waitFor();
    // The start and the close are on the audit chain.
    const audited = await db().select().from(auditEvents).where(eq(auditEvents.targetId, first));
    expect(audited.map((a) => a.action).sort()).toEqual(['rollcall.closed', 'rollcall.started']);
  }, 180_000);

  it("[JS-13.2] an answer after the close, or to another session's roll-call, is refused with a code and changes nothing", async () => {
    expect(await codeOf(trainees[2]!, 'rollcall.answer', { rollCallId: first })).toBe('PRECONDITION_FAILED');
    expect((await responsesOf(first)).get(ids[2]!)!.outcome).toBe('absent');
    const [other] = await db()
      .select({ id: classSessions.id })
      .from(classSessions)
      .where(and(eq(classSessions.classId, room.classId), ne(classSessions.id, room.sessionId)))
      .limit(1);
    const opened = await createRollCallRecords({ db: db(), clock: systemClock }).open({
      institutionId: room.w.institutionId,
      classId: room.classId,
      sessionId: other!.id,
      origin: 'instructor',
      startedBy: null,
      connected: new Map(),
    });
    elsewhere = opened!.id;
    expect(await codeOf(trainees[0]!, 'rollcall.answer', { rollCallId: elsewhere })).toBe('NOT_FOUND');
    expect(await codeOf(trainees[0]!, 'rollcall.answer', { rollCallId: 'not-a-roll-call' })).toBe(
      'NOT_FOUND',
    );
    expect((await responsesOf(elsewhere)).get(ids[0]!)!.outcome).toBe('not_in_room');
    // A trainee may not start one.
    expect(await codeOf(trainees[0]!, 'rollcall.start', {})).toBe('FORBIDDEN');
  });

  it('[JS-7.2] the instructor presses 抽查身份 Spot check: the sampled trainees and then each verdict show on the page in words; trainees see nothing of it', async () => {
    await instructor.locator('#spotcheck-start').click();
    const box = instructor.locator('#spotcheck');
    await box.waitFor({ timeout: 15_000 });
    await box.getByText('身份抽查完成').waitFor({ timeout: 60_000 });
    const items = await box.locator('li').allTextContents();
    // The class samples up to 3 (classes.spotCheckSampleSize): the three trainees with a camera.
    expect(items).toHaveLength(3);
    const labels = Object.values(SPOT_CHECK_VERDICT_LABELS).map((l) => `${l.zh} ${l.en}`);
    for (const item of items) expect(labels.some((l) => item.includes(l))).toBe(true);
    expect((await box.textContent())!).not.toMatch(/no_id_photo|pending|mismatch|match\b/);
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-spotcheck.png') });
    for (const p of trainees) {
      expect(await p.locator('#spotcheck, #spotcheck-start').count()).toBe(0);
      expect(await p.locator('body').innerText()).not.toMatch(/抽查|spot check/i);
    }
  }, 120_000);

  it("[JS-16] an officer starts a roll-call in their jurisdiction; the trainees' prompt does not say who started it; not connected is not_in_room, no camera camera_off", async () => {
    // One trainee leaves, one turns the camera off.
    await trainees[2]!.locator('#leave').click();
    await trainees[1]!.locator('#controls button', { hasText: '关摄像头' }).click();
    const end = Date.now() + 20_000;
    for (;;) {
      const peers = room.live.signaling.rooms.get(room.sessionId)!.peers;
      if (!peers.has(ids[2]!) && !peers.get(ids[1]!)?.producerOf('camera')) break;
      if (Date.now() > end) throw new Error('leave / camera off not seen by the server');
      await new Promise((r) => setTimeout(r, 250));
    }
    await officer.locator('#rollcall-start').click();
    await trainees[0]!.locator('#rollcall-modal').waitFor({ timeout: 15_000 });
    const text = (await trainees[0]!.locator('#rollcall-modal').textContent())!;
    expect(text).not.toMatch(/海事|officer|authority|机构/i);
    const challenge = await trainees[0]!.evaluate(() => (globalThis as unknown as W).__live.rollCall!);
    expect(Object.keys(challenge).sort()).toEqual(
      ['closesAt', 'final', 'lateUntil', 'outcome', 'receivedAt', 'rollCallId', 'windowS'].sort(),
    );
    await trainees[1]!.locator('#rollcall-modal').waitFor();
    await trainees[0]!.locator('#rollcall-here').tap();
    await trainees[0]!.locator('#rollcall-toast', { hasText: '已应答：到课' }).waitFor();
    await officer.locator('#rollcall-counts', { hasText: '已应答 1/3' }).waitFor({ timeout: 15_000 });
    await officer.screenshot({ path: path.join(SHOTS, 'officer-progress.png') });
    const id = (await trainees[0]!.evaluate(
      () => (globalThis as unknown as W).__live.rollCall!.rollCallId,
    )) as string;
    const closed = await waitClosed(id);
    expect(closed.origin).toBe('officer');
    const rows = await responsesOf(id);
    expect(ids.map((a) => rows.get(a)!.outcome)).toEqual(['present', 'camera_off', 'not_in_room']);
    expect(rows.get(ids[0]!)!.stillEvidenceId).not.toBeNull();
    expect(rows.get(ids[1]!)!.stillEvidenceId).toBeNull();
    await officer.locator('#rollcall .rc-panel', { hasText: '点名已结束' }).waitFor();
  }, 180_000);

  it('[JS-13.2] the API: staff and officers list the fired roll-calls with counts and read each response (zh/en, China time, stills); a trainee reads only their own rows', async () => {
    const base = `/api/v1/classes/${room.classId}`;
    const list = await room.w.as.manager.call<{ rollCalls: RollCallSummary[] }>(
      'GET',
      `${base}/sessions/${room.sessionId}/roll-calls`,
    );
    expect(list.rollCalls.map((r) => [r.origin, r.status])).toEqual([
      ['instructor', 'closed'],
      ['officer', 'closed'],
    ]);
    expect(list.rollCalls[0]!.counts).toMatchObject({ present: 1, late: 1, absent: 1, waiting: 0 });
    expect(list.rollCalls[1]!.originLabel.zh).toBe('海事机构发起');
    const detail = await room.w.as.officer.call<RollCallDetail>('GET', `${base}/roll-calls/${first}`);
    expect(detail.startedBy?.name).toBeTruthy();
    const byId = new Map(detail.responses.map((r) => [r.accountId, r]));
    expect(byId.get(ids[0]!)!.outcomeLabel).toEqual({ zh: '到课', en: 'Present' });
    expect(byId.get(ids[1]!)!.outcomeLabel.zh).toBe('迟到应答');
    expect(byId.get(ids[2]!)!.outcomeLabel.zh).toBe('未应答');
    expect(byId.get(ids[0]!)!.answeredAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(byId.get(ids[2]!)!.stillAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The still opens through the evidence route, with its hash.
    const still = await room.w.as.officer.raw(
      'GET',
      `/api/v1/evidence/${byId.get(ids[2]!)!.stillEvidenceId}`,
    );
    expect(still.status).toBe(200);
    expect(still.headers.get('content-type')).toBe('image/jpeg');
    const trainee = await signIn(room.t.client, room.trainees[0]!.username, NEW_PASSWORD);
    const own = await trainee.call<{ own: OwnRollCall[]; rollCalls?: unknown }>(
      'GET',
      `${base}/sessions/${room.sessionId}/roll-calls`,
    );
    expect(own.rollCalls).toBeUndefined();
    expect(own.own.map((r) => r.outcome)).toEqual(['present', 'present']);
    expect(JSON.stringify(own)).not.toMatch(/origin|officer|instructor|海事/);
    await expect(trainee.call('GET', `${base}/roll-calls/${first}`)).rejects.toMatchObject({ status: 403 });
  });

  it("[JS-13.2] a roll-call left open where no node runs it is closed by the live node's sweep once its late answers are over", async () => {
    const closed = await waitClosed(elsewhere, 60_000);
    expect(closed.outcomesSha256).toMatch(/^[0-9a-f]{64}$/);
    const audited = await db().select().from(auditEvents).where(eq(auditEvents.targetId, elsewhere));
    expect(audited.map((a) => a.action).sort()).toEqual(['rollcall.closed', 'rollcall.started']);
  }, 90_000);
});
