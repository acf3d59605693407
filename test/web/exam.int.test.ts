import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { examAnswers } from '@seafarer/db';
import { addExamFixture, type ExamFixture } from '../helpers/exams';
import { createWorld, type World } from '../helpers/world';
import { browserSuite, pageAs, SIZES } from './web';

/**
 * JS-7.3 / REL-2 in Chromium: the trainee's exam page, phone first: from the home list into the exam,
 * one question per screen, every type answered and saved with its state shown (a lost connection shows
 * "not saved, retrying" until the answer is stored), a reload brings the saved answers back, and the
 * submission is confirmed with the unanswered questions listed, then "已交卷 Submitted".
 */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/sitting';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

let w: World;
let f: ExamFixture;
beforeAll(async () => {
  w = await createWorld(s.t);
  f = await addExamFixture(s.t, w, { trainees: 2, durationMinutes: 45 });
}, 120_000);

const phone = SIZES.find((x) => x.name === 'phone')!;
const desktop = SIZES.find((x) => x.name === 'desktop')!;

async function saved(p: Page) {
  await p.getByTestId('save-state').getByText('已保存 Saved').waitFor();
}

describe('the exam page', () => {
  it('[JS-7.3] [REL-2] answers survive a page reload (phone, every type, retrying while offline, submit with the unanswered listed)', async () => {
    const cand = f.candidates[0]!;
    const { p, errors } = await pageAs(s.t, s.browser, cand.username, phone);
    await p.goto(`${s.t.baseUrl}/app/index.html`);
    const list = p.getByTestId('my-exams');
    await list.getByText(f.exam.title).waitFor();
    await shot(p, 'home-exams-phone');
    await list.getByRole('link', { name: '进入考试 Enter' }).click();
    await p.waitForURL(/exam\.html/);
    await p.getByText('第 1 / 8 题').waitFor();
    await p
      .getByTestId('exam-clock')
      .getByText(/剩余 4[45]:\d\d/)
      .waitFor();
    await shot(p, 'exam-q1-phone');

    // 1: single choice — option B.
    await p.locator('.option').nth(1).click();
    await saved(p);
    // 2: skipped. 4: multiple — A and C.
    await p.locator('.nav-q').nth(3).click();
    await p.getByText('第 4 / 8 题').waitFor();
    await p.locator('.option').nth(0).click();
    await p.locator('.option').nth(2).click();
    await saved(p);
    await shot(p, 'exam-multiple-phone');
    // 5: true/false — 错误 False, sent while the connection is down: retrying, then saved.
    await p.getByRole('button', { name: '下一题 Next' }).click();
    await p.getByText('第 5 / 8 题').waitFor();
    await p.route('**/answers', (r) => r.abort('internetdisconnected'));
    await p.getByText('错误 False').click();
    await p.getByTestId('save-state').getByText('未保存，重试中 Not saved, retrying').waitFor();
    await shot(p, 'exam-retrying-phone');
    await p.unroute('**/answers');
    await saved(p);
    // 7: fill-in. 8: short answer.
    await p.locator('.nav-q').nth(6).click();
    await p.locator('input.blank').first().fill('锚泊');
    await saved(p);
    await p.locator('.nav-q').nth(7).click();
    await p.locator('textarea').fill('报警，停止通风，关闭防火门。');
    await saved(p);
    await shot(p, 'exam-short-phone');

    // Reload: the saved answers are back, from the server.
    await p.reload();
    await p.getByText('第 1 / 8 题').waitFor();
    expect(await p.locator('.option input').nth(1).isChecked()).toBe(true);
    expect(await p.locator('.nav-q.answered').count()).toBe(5);
    await p.locator('.nav-q').nth(3).click();
    expect(await p.locator('.option input').nth(0).isChecked()).toBe(true);
    expect(await p.locator('.option input').nth(2).isChecked()).toBe(true);
    await p.locator('.nav-q').nth(4).click();
    expect(await p.getByLabel('错误 False').isChecked()).toBe(true);
    await p.locator('.nav-q').nth(6).click();
    expect(await p.locator('input.blank').first().inputValue()).toBe('锚泊');
    await p.locator('.nav-q').nth(7).click();
    expect(await p.locator('textarea').inputValue()).toBe('报警，停止通风，关闭防火门。');
    await shot(p, 'exam-after-reload-phone');
    const rows = await s.t.app.core.db.select().from(examAnswers);
    const mine = rows.filter((r) => r.deviceId);
    expect(mine.length).toBeGreaterThanOrEqual(5);

    // Submit: the confirmation lists the unanswered questions (2, 3, 6).
    await p.getByRole('button', { name: '交卷 Submit' }).click();
    const dialog = p.getByTestId('submit-dialog');
    await dialog.getByTestId('unanswered').getByText('第 2、3、6 题', { exact: false }).waitFor();
    await shot(p, 'exam-confirm-phone');
    await dialog.getByTestId('confirm-submit').click();
    await p.getByTestId('exam-submitted').getByText('已交卷 Submitted').waitFor();
    await p.getByText('已作答 Answered 5 / 8').waitFor();
    expect(await p.getByTestId('submit-dialog').count()).toBe(0);
    await shot(p, 'exam-submitted-phone');
    // Reloading a submitted exam shows the submitted page again.
    await p.reload();
    await p.getByTestId('exam-submitted').waitFor();
    expect(errors).toEqual([]);
  }, 120_000);

  it('[JS-7.3] the exam page at laptop size: start, answer, saved', async () => {
    const cand = f.candidates[1]!;
    const { p, errors } = await pageAs(s.t, s.browser, cand.username, desktop);
    await p.goto(`${s.t.baseUrl}/app/exam.html?class=${f.classId}&exam=${f.examId}`);
    await p.getByText('第 1 / 8 题').waitFor();
    await p.locator('.option').nth(0).click();
    await saved(p);
    await shot(p, 'exam-q1-desktop');
    const [attempt] = await s.t.app.core.db
      .select()
      .from(examAnswers)
      .where(
        eq(
          examAnswers.deviceId,
          await p.evaluate(
            () =>
              (
                globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
              ).localStorage.getItem('examDeviceId') ?? '',
          ),
        ),
      );
    expect(attempt).toBeTruthy();
    expect(errors).toEqual([]);
  }, 60_000);
});
