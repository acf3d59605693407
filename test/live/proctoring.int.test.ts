import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { and, eq, isNull } from 'drizzle-orm';
import type { AttemptView, ProctoringListView } from '@seafarer/contracts';
import { signBody } from '@seafarer/core';
import { createClient, type Client } from '@seafarer/sdk';
import { evidenceFiles, examFlags, examStills } from '@seafarer/db';
import { jpegSize } from '../../services/live/src/media/frame-grab';
import { signedInPage, startClassroom, waitState, type Classroom } from '../helpers/classroom';
import { china } from '../helpers/clock';
import { addExamFixture, type ExamFixture } from '../helpers/exams';
import { png } from '../helpers/images';
import { chinaDate } from '../helpers/world';

/**
 * JS-7.3: stills at random times from the exam's live session. A candidate's real Chromium (fake
 * camera) joins the exam's room; the live node draws and stores each attempt's still times (never
 * sent), grabs a still from the candidate's stream when one is due, keeps it as evidence and sends it,
 * signed, to the face-match provider (a small HTTP server here that answers later), whose signed
 * callback gives the verdict; a candidate not in the room gets camera_off and a still not taken.
 */
const SECRET = 'face-match-proctoring-secret-0123456789';
const received: Array<{ valid: boolean; still: Buffer; requestId: string }> = [];
let provider: http.Server;
let room: Classroom;
let f: ExamFixture;
let page: Page;
let attempts: AttemptView[];
let clients: Client[];
const oldSecret = process.env.FACE_MATCH_SECRET;

async function until<T>(what: string, fn: () => T | Promise<T>, ms = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const db = () => room.t.app.core.db;
const stillsOf = (attemptId: string) =>
  db().select().from(examStills).where(eq(examStills.attemptId, attemptId));

beforeAll(async () => {
  provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-seafarer-signature']));
      const valid = !!m && createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest('hex') === m[2];
      const data = JSON.parse(body) as { still: string; requestId: string };
      received.push({ valid, still: Buffer.from(data.still, 'base64'), requestId: data.requestId });
      // Accepted: the verdict comes later, through the signed callback.
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ note: 'queued' }));
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  // The API checks the callback's signature with the same secret the live node signs with.
  process.env.FACE_MATCH_SECRET = SECRET;
  room = await startClassroom({
    live: { FACE_MATCH_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/match` },
  });
  // The exam's class is filed and set up today (real time); it meets nine days ahead, where the API's
  // clock then moves (its first session, the exam's window).
  const clock = room.t.app.core.clock as unknown as { set(d: Date): void; reset(): void };
  clock.reset();
  const day = chinaDate(9);
  f = await addExamFixture(room.t, room.w, {
    sessionId: 'first',
    trainees: 2,
    proctoring: { camera: true, stillsPerAttempt: 2 },
    opensAt: china(day, '08:20:00'),
    closesAt: china(day, '11:30:00'),
  });
  clock.set(china(day, '08:26:00'));
  // The first candidate has a registered ID photo (what the provider compares the still with).
  const entry = f.exam.candidates.find((c) => c.accountId === f.candidates[0]!.accountId)!;
  const put = await f.manager.raw('PUT', `/api/v1/roster-entries/${entry.rosterEntryId}/id-photo`, {
    rawBody: png('id-photo'),
    headers: { 'content-type': 'image/png' },
  });
  expect(put.status).toBe(200);
  // The candidate's browser joins the exam's live room as a trainee with the camera on.
  page = await signedInPage(room.t, room.browser, f.candidates[0]!.username);
  await page.goto(`${room.t.baseUrl}/app/room.html?class=${f.classId}&session=${f.sessionIds[0]}`);
  await waitState(page, 'joined', 60_000);
  await until('the candidate camera on the server', () =>
    room.live.signaling.rooms
      .get(f.sessionIds[0]!)
      ?.peers.get(f.candidates[0]!.accountId)
      ?.producerOf('camera'),
  );
  // One sign-in per account (TM-3): the candidate's calls go with the page's own token.
  const token = await page.evaluate(() =>
    (globalThis as unknown as { sessionStorage: { getItem(k: string): string } }).sessionStorage.getItem(
      'accessToken',
    ),
  );
  clients = [createClient({ baseUrl: room.t.baseUrl, token }), f.candidates[1]!.client];
  attempts = [];
  for (const c of clients) attempts.push(await c.examAttempts.start(f.classId, f.examId, { deviceId: 'd1' }));
}, 300_000);
afterAll(async () => {
  await page?.context().close();
  await room?.close();
  provider?.close();
  if (oldSecret === undefined) delete process.env.FACE_MATCH_SECRET;
  else process.env.FACE_MATCH_SECRET = oldSecret;
}, 180_000);

describe('proctoring stills from the live stream', () => {
  it('[JS-7.3] server stills at random times from the live stream: planned and stored before taken, grabbed from the camera, a JPEG kept for the attempt, the provider’s signed verdict', async () => {
    const t0 = Date.now();
    await room.live.proctor.tick();
    // The plan: two times per attempt inside it, stored (no picture yet) and never in the candidate's view.
    for (const a of attempts) {
      const planned = await stillsOf(a.id);
      expect(planned).toHaveLength(2);
      for (const s of planned) {
        expect(s).toMatchObject({ evidenceId: null, verdict: 'pending' });
        expect(s.takenAt.getTime()).toBeGreaterThan(Date.parse(a.startedAt));
        expect(s.takenAt.getTime()).toBeLessThan(Date.parse(a.deadlineAt));
        expect(s.note).toMatch(/^planned:[0-9a-f]{32}$/);
      }
      const view = await clients[attempts.indexOf(a)]!.examAttempts.get(f.classId, f.examId, a.id);
      const text = JSON.stringify(view);
      for (const s of planned) {
        expect(text).not.toContain(s.id);
        expect(text).not.toContain(s.takenAt.toISOString());
      }
    }
    // A second look plans nothing more.
    await room.live.proctor.tick();
    expect(await stillsOf(attempts[0]!.id)).toHaveLength(2);

    // The first still's time comes (the plan is nine days ahead by the API's clock; the node's is real).
    const [first] = (await stillsOf(attempts[0]!.id)).sort(
      (x, y) => x.takenAt.getTime() - y.takenAt.getTime(),
    );
    await db()
      .update(examStills)
      .set({ takenAt: new Date(Date.now() - 1000) })
      .where(eq(examStills.id, first!.id));
    await room.live.proctor.tick();
    const [taken] = await db().select().from(examStills).where(eq(examStills.id, first!.id));
    expect(taken!.evidenceId).toBeTruthy();
    expect(taken).toMatchObject({ verdict: 'pending', provider: 'http', providerRef: first!.id });
    const [file] = await db().select().from(evidenceFiles).where(eq(evidenceFiles.id, taken!.evidenceId!));
    expect(file).toMatchObject({ kind: 'exam_still', classId: f.classId, mimeType: 'image/jpeg' });
    // The JPEG, by its SHA-256, is the picture the provider was sent (signed).
    const res = await fetch(
      `${room.t.baseUrl}/api/v1/classes/${f.classId}/exams/${f.examId}/attempts/${attempts[0]!.id}/stills/${first!.id}`,
      { headers: { authorization: `Bearer ${f.manager.token}` } },
    );
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(jpegSize(bytes)?.width).toBeGreaterThanOrEqual(160);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file!.sha256);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ valid: true, requestId: first!.id });
    expect(received[0]!.still.equals(bytes)).toBe(true);
    // The second still is not due: untouched.
    expect((await stillsOf(attempts[0]!.id)).filter((s) => !s.evidenceId)).toHaveLength(1);

    // The provider answers later, signed: more than one face → a provider flag on the attempt.
    const body = JSON.stringify({ providerRef: first!.id, verdict: 'multiple_faces' });
    const cb = await fetch(`${room.t.baseUrl}/api/v1/proctoring/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-seafarer-signature': signBody(SECRET, body, room.t.app.core.clock.now()),
      },
      body,
    });
    expect(cb.status).toBe(200);
    const list = await f.manager.call<ProctoringListView>(
      'GET',
      `/api/v1/classes/${f.classId}/exams/${f.examId}/proctoring`,
    );
    const item = list.items.find((i) => i.attemptId === attempts[0]!.id)!;
    expect(item.reviewState).toBe('flagged');
    expect(item.stills).toEqual([
      expect.objectContaining({
        id: first!.id,
        verdict: 'multiple_faces',
        verdictLabel: { zh: '出现多人', en: 'More than one face' },
      }),
    ]);
    expect(item.flags.map((x) => [x.kind, x.source, x.stillId])).toEqual([
      ['multiple_faces', 'provider', first!.id],
    ]);
    console.log(`proctoring still: planned → grabbed → stored in ${Date.now() - t0} ms`);
  }, 120_000);

  it('[JS-7.3] the exam requires the camera: a candidate not in the room is flagged camera_off (server), and a due still not taken is still_failed', async () => {
    const absent = attempts[1]!;
    // Its still came due more than a minute ago and there is no camera to grab from.
    const [one] = await stillsOf(absent.id);
    await db()
      .update(examStills)
      .set({ takenAt: new Date(Date.now() - 61_000) })
      .where(eq(examStills.id, one!.id));
    // The grace time (20 s) from the first look at the attempt.
    await new Promise((r) => setTimeout(r, 21_000));
    await room.live.proctor.tick();
    const flags = await db().select().from(examFlags).where(eq(examFlags.attemptId, absent.id));
    expect(flags.map((x) => [x.kind, x.source]).sort()).toEqual([
      ['camera_off', 'server'],
      ['still_failed', 'server'],
    ]);
    expect(flags.find((x) => x.kind === 'camera_off')!.detail).toMatchObject({ reason: 'not_in_room' });
    const [failed] = await db().select().from(examStills).where(eq(examStills.id, one!.id));
    expect(failed).toMatchObject({ verdict: 'unavailable', evidenceId: null });
    // Once per off-period: another look adds nothing.
    await room.live.proctor.tick();
    expect(await db().select().from(examFlags).where(eq(examFlags.attemptId, absent.id))).toHaveLength(2);
    // The candidate in the room with the camera on has none of these.
    const present = await db()
      .select()
      .from(examFlags)
      .where(and(eq(examFlags.attemptId, attempts[0]!.id), eq(examFlags.source, 'server')));
    expect(present).toHaveLength(0);
    const list = await f.manager.call<ProctoringListView>(
      'GET',
      `/api/v1/classes/${f.classId}/exams/${f.examId}/proctoring`,
    );
    const item = list.items.find((i) => i.attemptId === absent.id)!;
    expect(item.flags.map((x) => x.kindLabel.zh).sort()).toEqual(['抓拍未成功', '摄像头未开启'].sort());
    expect(item.stills.map((s) => s.verdictLabel.zh)).toEqual(['未能抓拍']);
    // Planned stills not yet due stay hidden from the list.
    expect(
      await db()
        .select()
        .from(examStills)
        .where(
          and(
            eq(examStills.attemptId, absent.id),
            isNull(examStills.evidenceId),
            eq(examStills.verdict, 'pending'),
          ),
        ),
    ).toHaveLength(1);
  }, 90_000);
});
