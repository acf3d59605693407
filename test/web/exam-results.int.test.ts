import { mkdirSync } from 'node:fs';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { createOutboundDelivery } from '@seafarer/core';
import { examAttempts } from '@seafarer/db';
import { startProcessors } from '../../services/worker/src/processors';
import { addExamFixture, rightAnswer, sitAttempt, wrongAnswer } from '../helpers/exams';
import { createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs } from './web';

/**
 * JS-7.3 in Chromium: the manager's results page of an exam (#/exam/:classId/:examId) at desktop size:
 * the results table, the statistics with the distribution chart and the per-question table, the marking
 * queue (candidates by number), a refused score shown in words, the release refused then done.
 */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/marking';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
let worker: ReturnType<typeof startProcessors>;

beforeAll(() => {
  worker = startProcessors({
    core: s.t.app.core,
    delivery: createOutboundDelivery({ db: s.t.app.core.db, clock: s.t.app.core.clock, channels: [] }),
    log: pino({ level: 'silent' }),
    queue: { redisUrl: s.t.config.REDIS_URL, prefix: s.t.config.QUEUE_PREFIX },
    storageDir: s.t.config.STORAGE_DIR,
  });
});
afterAll(async () => {
  await worker?.close();
});

it('[JS-7.3] the manager reads results and statistics, marks the short answers by candidate number and releases (desktop)', async () => {
  const t = s.t;
  const w = await createWorld(t);
  const f = await addExamFixture(t, w, { trainees: 3, paperMode: 'fixed', title: '结业考试 成绩页' });
  const [A, B, C] = f.candidates as [
    (typeof f.candidates)[0],
    (typeof f.candidates)[0],
    (typeof f.candidates)[0],
  ];
  const ids = [
    (await sitAttempt(t, f, A, { submit: true })).attempt.id,
    (
      await sitAttempt(t, f, B, {
        answer: (q) => (q.type === 'short_answer' ? undefined : rightAnswer(q)),
        submit: true,
      })
    ).attempt.id,
    (await sitAttempt(t, f, C, { answer: wrongAnswer, submit: true })).attempt.id,
  ];
  const end = Date.now() + 30_000;
  for (;;) {
    const rows = await t.app.core.db
      .select({ id: examAttempts.id, status: examAttempts.status })
      .from(examAttempts)
      .where(eq(examAttempts.examId, f.examId));
    if (rows.filter((r) => ids.includes(r.id) && r.status === 'marked').length === 3) break;
    if (Date.now() > end) throw new Error('attempts not marked');
    await new Promise((r) => setTimeout(r, 200));
  }

  const size = SIZES[0];
  const m = await pageAs(t, s.browser, w.usernames.manager, size);
  await m.p.goto(`${t.baseUrl}/app/manager.html#/exam/${f.classId}/${f.examId}`);
  await m.p.getByRole('heading', { name: '结业考试 成绩页 · 成绩 Results' }).waitFor();
  const table = m.p.locator('table.exam-results');
  await table.waitFor();
  expect(await table.locator('tbody tr').count()).toBe(3);
  let text = await bodyText(m.p);
  for (const c of f.candidates) expect(text).toContain(c.name);
  expect(text).toContain('得分率 60% 及格');
  expect(text).toContain('2 份试卷有简答题待人工评分');
  expect(text).toContain('合格率 Pass rate');
  expect(text).toContain('区分度');
  expect(await m.p.locator('svg.exam-distribution rect').count()).toBe(10);
  expect(await m.p.locator('#release-results').isDisabled()).toBe(true);
  // The queue: two short answers, by number; the names are not in it.
  const items = m.p.locator('.marking-item');
  expect(await items.count()).toBe(2);
  const queueText = await items.allInnerTexts();
  for (const c of f.candidates) expect(queueText.join('\n')).not.toContain(c.name);
  await shot(m.p, 'exam-results-before-desktop');

  // A score above the question's 5 points: the server's words on the page.
  const first = items.nth(0);
  await first.locator('input[type=number]').fill('6');
  await first.getByRole('button', { name: '评分 Mark' }).click();
  await first.getByText(/0 到 5/).waitFor();
  await first.locator('input[type=number]').fill('4.5');
  await first.locator('input[type=text]').fill('要点基本齐全');
  await first.getByRole('button', { name: '评分 Mark' }).click();
  await m.p.getByText('待评 1 waiting').waitFor();
  const pending = m.p.locator('.marking-item').filter({ hasText: '待评分 Waiting' });
  await pending.locator('input[type=number]').fill('0');
  await pending.getByRole('button', { name: '评分 Mark' }).click();
  await m.p.getByText('待评 0 waiting').waitFor();
  await m.p.getByText('全部试卷已评完，可以发布。').waitFor();
  await m.p.locator('#release-results:not([disabled])').click();
  await m.p.getByText(/成绩已发布 Released/).waitFor();
  text = await bodyText(m.p);
  expect(text).toContain('合格 Pass');
  expect(text).toContain('不合格 Fail');
  await shot(m.p, 'exam-results-released-desktop');
  expect(m.errors).toEqual([]);
  await m.p.context().close();
});
