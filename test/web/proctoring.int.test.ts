import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import type { AttemptView } from '@seafarer/contracts';
import {
  createDiskEvidenceStore,
  createProctorRecords,
  manualReview,
  type ProctoredAttempt,
} from '@seafarer/core';
import { examStills } from '@seafarer/db';
import { addExamFixture } from '../helpers/exams';
import { createWorld } from '../helpers/world';
import { browserSuite, pageAs } from './web';

/**
 * JS-7.3 / QM-4 in Chromium: the manager's proctoring review of an exam (#/proctoring/:classId/:examId)
 * at desktop size: the flagged attempts with their timeline (China time, zh/en labels, a flood shown
 * once with its count), the server's still as a thumbnail with its verdict, and the two decisions.
 */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/proctor';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const DESKTOP = { name: 'desktop', viewport: { width: 1366, height: 768 } } as const;

/** A real JPEG (ffmpeg's test pattern), as a still grabbed from a camera would be. */
const testJpeg = () =>
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240',
    '-frames:v',
    '1',
    '-f',
    'image2',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ]);

describe('proctoring review page', () => {
  it('[JS-7.3] the manager reviews flagged attempts: timeline, still thumbnail, violation and cleared (desktop)', async () => {
    const w = await createWorld(s.t);
    const f = await addExamFixture(s.t, w, { proctoring: { camera: false, stillsPerAttempt: 1 } });
    const [c0, c1] = f.candidates;
    const attempts: AttemptView[] = [];
    for (const c of [c0!, c1!]) attempts.push(await c.client.examAttempts.start(f.classId, f.examId, {}));
    for (let i = 0; i < 3; i++)
      await c0!.client.proctoring.flag(f.classId, f.examId, attempts[0]!.id, { kind: 'tab_hidden' });
    await c0!.client.proctoring.flag(f.classId, f.examId, attempts[0]!.id, { kind: 'paste' });
    await c1!.client.proctoring.flag(f.classId, f.examId, attempts[1]!.id, { kind: 'window_blur' });
    // A still of the first candidate, stored as the live node stores it (core's records), awaiting a verdict.
    const a = attempts[0]!;
    const records = createProctorRecords({
      db: s.t.app.core.db,
      clock: s.t.app.core.clock,
      store: createDiskEvidenceStore(s.t.config.STORAGE_DIR),
      faceMatch: manualReview,
    });
    const proctored: ProctoredAttempt = {
      attemptId: a.id,
      examId: f.examId,
      sessionId: f.sessionIds[0]!,
      classId: f.classId,
      institutionId: w.institutionId,
      accountId: a.accountId,
      startedAt: new Date(a.startedAt),
      deadlineAt: new Date(a.deadlineAt),
      camera: false,
      stillsPerAttempt: 1,
    };
    await records.planStills(proctored);
    const [planned] = await s.t.app.core.db.select().from(examStills).where(eq(examStills.attemptId, a.id));
    await records.attachStill(proctored, planned!.id, { jpeg: testJpeg(), at: new Date() });

    const m = await pageAs(s.t, s.browser, w.usernames.manager, DESKTOP);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html#/proctoring/${f.classId}/${f.examId}`);
    const summary = m.p.getByTestId('proctoring-summary');
    await summary.getByText('待复核 Flagged: 2').waitFor();
    await m.p.getByRole('heading', { name: /监考复核 Proctoring review · 结业考试/ }).waitFor();
    const card0 = m.p.locator('section.card', { hasText: c0!.name });
    await card0.getByText('切换离开考试页面 Exam page hidden (tab switched)').waitFor();
    await card0.getByText('×3').waitFor();
    await card0.getByText('粘贴内容 Pasted text').waitFor();
    await card0.getByText('待核对 Awaiting a verdict').waitFor();
    const timeText = await card0.locator('.proctor-timeline li strong').first().innerText();
    expect(timeText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The thumbnail is the stored JPEG, decoded by the browser.
    type Img = { complete: boolean; naturalWidth: number };
    type Doc = { document: { querySelector(q: string): Img | null } };
    await m.p.waitForFunction(() => {
      const img = (globalThis as unknown as Doc).document.querySelector('.proctor-stills img');
      return !!img && img.complete && img.naturalWidth === 320;
    });
    await shot(m.p, 'review-desktop');

    // A violation needs a note; with one, it is decided and reported.
    await card0.getByRole('button', { name: '认定违纪 Violation' }).click();
    await card0.getByText('请填写复核说明').waitFor();
    await card0.locator('textarea').fill('考试期间多次切换页面并粘贴内容');
    await card0.getByRole('button', { name: '认定违纪 Violation' }).click();
    const decided = m.p.locator('section.card', { hasText: c0!.name });
    await decided.getByTestId('review-state').getByText('认定违纪 Violation').waitFor();
    await decided.getByText('已作为考试违纪报送海事管理机构').waitFor();
    const card1 = m.p.locator('section.card', { hasText: c1!.name });
    await card1.locator('textarea').fill('考生离开窗口系系统提示，已核实');
    await card1.getByRole('button', { name: '排除 Clear' }).click();
    await m.p
      .locator('section.card', { hasText: c1!.name })
      .getByTestId('review-state')
      .getByText('已排除 Cleared')
      .waitFor();
    await summary.getByText('认定违纪 Violations: 1').waitFor();
    await shot(m.p, 'review-decided-desktop');
    expect(m.errors).toEqual([]);
    await m.p.context().close();
  }, 120_000);
});
