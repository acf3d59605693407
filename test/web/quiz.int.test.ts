import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { DailyGradesView, TimelineView } from '@seafarer/contracts';
import { openRoom, signedInPage, startClassroom, waitState, type Classroom } from '../helpers/classroom';

/**
 * JS-7.1 / JS-14 in Chromium: the instructor (desktop) types a quiz on the spot and pushes it into the
 * live room; a trainee on a phone (390×844) answers with big buttons, sees 已提交, then the score with
 * the right answers; the instructor's console shows the distribution; another trainee in the room
 * who does not answer scores 0; the daily grades and the timeline entry come back over HTTP and the
 * manager's class page shows the daily grades.
 */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = {
  viewport: { width: 1366, height: 768 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};
const SHOTS = '/tmp/helpers/shots/quiz';
type W = { __live: { self: { id: string } } };

let room: Classroom;
let instructor: Page;
let phone: Page;
let laptop: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  room = await startClassroom();
  instructor = await openRoom(room, room.w.usernames.instructor, { device: DESKTOP });
  phone = await openRoom(room, room.trainees[0]!.username, { device: PHONE });
  laptop = await openRoom(room, room.trainees[1]!.username, { device: DESKTOP });
  for (const p of [instructor, phone, laptop]) await waitState(p, 'joined', 60_000);
  // Both trainees' cameras and microphones reach the server (present by the attendance rule).
  const end = Date.now() + 30_000;
  for (;;) {
    const peers = [...(room.live.signaling.rooms.get(room.sessionId)?.peers.values() ?? [])];
    if (
      peers.filter((p) => p.role === 'trainee' && p.producerOf('camera') && p.producerOf('mic')).length === 2
    )
      break;
    if (Date.now() > end) throw new Error('trainee media not seen by the server');
    await new Promise((r) => setTimeout(r, 250));
  }
}, 240_000);
afterAll(async () => {
  for (const p of [instructor, phone, laptop]) await p?.context().close();
  await room?.close();
}, 120_000);

describe('in-class quiz in the live room', () => {
  it('[JS-7.1] [JS-14] a quiz pushed in a live Chromium session is answered on a phone viewport and scored', async () => {
    // The instructor types a single-choice question on the spot.
    await instructor.locator('#quiz-open').click();
    const composer = instructor.locator('#quiz-composer');
    await composer.waitFor();
    await composer.locator('#quiz-stem').fill('能见度不良时船舶应使用何种航速？');
    await composer.locator('input.quiz-option[data-key="A"]').fill('最高航速');
    await composer.locator('input.quiz-option[data-key="B"]').fill('安全航速');
    await composer.locator('input.quiz-option[data-key="C"]').fill('经济航速');
    await composer.locator('#quiz-answer').fill('B');
    await composer.locator('#quiz-score-input').fill('2');
    await composer.locator('#quiz-title-input').fill('避碰小测');
    await composer.locator('#quiz-limit').fill('120');
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-desktop-compose.png') });
    await composer.locator('#quiz-push').click();
    await instructor.locator('#quiz-console[data-status="open"]').waitFor({ timeout: 15_000 });
    await composer.waitFor({ state: 'hidden' });

    // The trainee's phone: the question with big option buttons and a countdown.
    const modal = phone.locator('#quiz-modal[data-phase="answer"]');
    await modal.waitFor({ timeout: 15_000 });
    await modal.getByText('能见度不良时船舶应使用何种航速？').waitFor();
    await modal.locator('.quiz-count', { hasText: '剩余' }).waitFor();
    expect(await modal.locator('button.quiz-opt').count()).toBe(3);
    const box = await modal.locator('button.quiz-opt').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    expect(box!.width).toBeGreaterThan(300);
    await laptop.locator('#quiz-modal[data-phase="answer"]').waitFor();
    // Nothing of the answer is on either trainee's page before the close.
    for (const p of [phone, laptop]) {
      expect(await p.locator('#quiz-console').count()).toBe(0);
      expect(await p.locator('body').innerText()).not.toMatch(/正确答案|answer：B|已作答/);
    }
    await phone.screenshot({ path: path.join(SHOTS, 'trainee-phone-prompt.png') });
    await laptop.screenshot({ path: path.join(SHOTS, 'trainee-desktop-prompt.png') });
    await modal.locator('button.quiz-opt[data-key="B"]').tap();
    await modal.locator('button.quiz-opt[data-key="B"][aria-pressed="true"]').waitFor();
    await modal.locator('#quiz-submit').tap();
    await phone.locator('#quiz-modal[data-phase="submitted"]').getByText('已提交 Submitted').waitFor();
    await phone.screenshot({ path: path.join(SHOTS, 'trainee-phone-submitted.png') });

    // The instructor sees the distribution: 1 of 2 answered, B chosen once.
    await instructor.locator('#quiz-answered', { hasText: '已作答 1/2' }).waitFor({ timeout: 15_000 });
    const dist = instructor.locator('#quiz-console .quiz-dist[data-no="1"]');
    await dist.locator('.bar.right', { hasText: 'B' }).getByText('1', { exact: true }).waitFor();
    await dist.getByText('对 Right 1 · 部分 Partial 0 · 错 Wrong 0 · 未答 Blank 0').waitFor();
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-desktop-distribution.png') });
    await instructor.setViewportSize(PHONE.viewport);
    await instructor.screenshot({
      path: path.join(SHOTS, 'instructor-phone-distribution.png'),
      fullPage: true,
    });
    await instructor.setViewportSize(DESKTOP.viewport);

    // Closed early: the phone shows the score and the right answer; the one who did not answer 0.
    await instructor.locator('#quiz-close').click();
    await instructor.locator('#quiz-console[data-status="closed"]').waitFor({ timeout: 15_000 });
    await instructor.locator('#quiz-scores').waitFor();
    const result = phone.locator('#quiz-modal[data-phase="result"]');
    await result.locator('#quiz-score', { hasText: '得分 2 / 2' }).waitFor({ timeout: 15_000 });
    await result.getByText('正确答案 Right answer：B').waitFor();
    await phone.screenshot({ path: path.join(SHOTS, 'trainee-phone-result.png'), fullPage: true });
    await laptop.locator('#quiz-score', { hasText: '得分 0 / 2' }).waitFor({ timeout: 15_000 });
    await laptop.screenshot({ path: path.join(SHOTS, 'trainee-desktop-result.png') });
    await instructor.screenshot({ path: path.join(SHOTS, 'instructor-desktop-closed.png') });
    await result.locator('#quiz-dismiss').tap();
    await phone.locator('#quiz-modal').waitFor({ state: 'detached' });

    // HTTP: the daily grades (the trainee in the room who did not answer has 0) and the timeline.
    const [id0, id1] = await Promise.all(
      [phone, laptop].map((p) => p.evaluate(() => (globalThis as unknown as W).__live.self.id)),
    );
    let grades: DailyGradesView | null = null;
    const end = Date.now() + 20_000;
    for (;;) {
      grades = await room.w.as.manager.quizzes.dailyGrades(room.classId);
      if (grades.grades.length === 2 || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const of = (id: string) => grades!.grades.find((g) => g.accountId === id);
    expect(of(id0!)).toMatchObject({ score: 2, max: 2, percent: 100 });
    expect(of(id1!)).toMatchObject({ score: 0, max: 2, percent: 0 });
    expect(of(id1!)!.quizzes[0]).toMatchObject({ answered: false, score: 0, max: 2 });
    const timeline = await room.w.as.manager.call<TimelineView>(
      'GET',
      `/api/v1/classes/${room.classId}/trainees/${id0}/timeline`,
    );
    const entry = timeline.entries.find((e) => e.kind === 'quiz');
    expect(entry).toMatchObject({
      event: 'quiz.scored',
      label: { zh: '随堂测试 2/2 分' },
      detail: '避碰小测',
    });

    // The manager's class page: the 随堂测试 tab with the daily grades (desktop and phone).
    const m = await signedInPage(room.t, room.browser, room.w.usernames.manager, { device: DESKTOP });
    await m.goto(`${room.t.baseUrl}/app/manager.html#/class/${room.classId}/quizzes`);
    await m.locator('#daily-grades').waitFor({ timeout: 15_000 });
    await m
      .locator(`#daily-grades tr[data-account="${id0}"] .grade`, { hasText: '2/2 分（100%）' })
      .waitFor();
    await m
      .locator(`#daily-grades tr[data-account="${id1}"]`)
      .getByText(/未作答 no answer 0\/2/)
      .waitFor();
    await m.screenshot({ path: path.join(SHOTS, 'manager-desktop-grades.png'), fullPage: true });
    await m.setViewportSize(PHONE.viewport);
    await m.screenshot({ path: path.join(SHOTS, 'manager-phone-grades.png'), fullPage: true });
    await m.context().close();
  }, 180_000);
});
