import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { ClassEvaluationView, SponsorInvitationCreated } from '@seafarer/contracts';
import { china, movableClock } from '../helpers/clock';
import { confirmedClass, type ConfirmedClass } from '../helpers/cluster';
import { addDays, chinaDate } from '../helpers/world';
import { anonymousPage, bodyText, browserSuite, pageAs, SIZES } from './web';

/**
 * JS-7.1 / JS-14 / QM-3 in Chromium: a trainee answers the course evaluation on a phone (390×844), a
 * sponsor answers through its link without an account, and the class manager reads the results tab and
 * the quality objectives page (desktop 1366×768; both pages are shot at both sizes).
 */
const clock = movableClock();
const s = browserSuite(
  { ACCESS_TOKEN_TTL_SECONDS: String(60 * 86_400), REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) },
  { clock },
);
const SHOTS = '/tmp/helpers/shots/evaluation';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const [desktop, phone] = SIZES;
let klass: ConfirmedClass;
let lastDay: string;

beforeAll(async () => {
  klass = await confirmedClass(s.t, clock, { code: 'EW', name: '评价页面测试班', rosterSeed: 910 });
  lastDay = addDays(chinaDate(8), 3);
  clock.set(china(lastDay, '13:00:00'));
}, 180_000);

describe('evaluation pages', () => {
  it('[JS-7.1] [JS-14] a trainee evaluates the class on a phone, once; a sponsor answers through its link', async () => {
    const w = klass.w;
    await w.as.manager.call('POST', `/api/v1/classes/${klass.classId}/evaluations`, { body: {} });
    const t = await pageAs(s.t, s.browser, klass.issued[0]!.username, phone!);
    // The trainee home offers the evaluation.
    await t.p.goto(`${s.t.baseUrl}/app/index.html`);
    const link = t.p.getByTestId('evaluation-links').getByRole('link', { name: '去评价 Evaluate' });
    await link.waitFor();
    await shot(t.p, 'trainee-home-phone');
    await link.click();
    const form = t.p.getByTestId('evaluation-form');
    await form.waitFor();
    await shot(t.p, 'trainee-form-empty-phone');
    // Sent with a question left out: the server's coded refusal is shown, nothing stored.
    const pick = async (testId: string, value: number) =>
      form.getByTestId(testId).locator(`button[data-value="${value}"]`).click();
    await pick('q-content', 4);
    await pick('q-teaching', 5);
    await pick('q-platform', 3);
    await form.getByRole('button', { name: '提交评价 Submit' }).click();
    await t.p.getByRole('alert').getByText('未答：总体满意度', { exact: false }).waitFor();
    await shot(t.p, 'trainee-form-refused-phone');
    await pick('q-overall', 5);
    await pick(`i-${w.instructorId}-teaching`, 4);
    await t.p.locator('#eval-comment').fill('老师讲解清楚 Clear explanations');
    expect(
      await form.getByTestId('q-overall').locator('button[data-value="5"]').getAttribute('aria-pressed'),
    ).toBe('true');
    await shot(t.p, 'trainee-form-filled-phone');
    await form.getByRole('button', { name: '提交评价 Submit' }).click();
    await t.p.getByTestId('form-state').getByText('已提交评价，感谢参与').waitFor();
    await shot(t.p, 'trainee-form-answered-phone');
    // A reload shows the answered state; no form to send again.
    await t.p.reload();
    await t.p.getByTestId('form-state').getByText('已提交评价').waitFor();
    expect(await t.p.getByTestId('evaluation-form').count()).toBe(0);
    // Nothing on the page needs a wider screen than the phone.
    expect(await t.p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(t.errors).toEqual([]);

    // The other two trainees answer through the API (the per-instructor figures need three).
    for (const c of klass.trainees.slice(1))
      await c.call('POST', `/api/v1/me/classes/${klass.classId}/evaluation`, {
        body: {
          ratings: { content: 4, teaching: 4, platform: 4, overall: 4 },
          instructors: [{ instructorId: w.instructorId, ratings: { teaching: 5 } }],
          comment: '',
        },
      });

    // A sponsor through its link, no account, on a phone.
    const inv = await w.as.manager.call<SponsorInvitationCreated>(
      'POST',
      `/api/v1/classes/${klass.classId}/sponsor-invitations`,
      { body: { sponsorName: '海达船员管理有限公司' } },
    );
    const sp = await anonymousPage(s.browser, phone!);
    await sp.p.goto(`${s.t.baseUrl}/app/${inv.link}`);
    const sform = sp.p.getByTestId('evaluation-form');
    await sform.waitFor();
    expect(await bodyText(sp.p)).toContain('海达船员管理有限公司');
    for (const key of ['relevance', 'organisation', 'outcome', 'overall'])
      await sform.getByTestId(`q-${key}`).locator('button[data-value="5"]').click();
    await shot(sp.p, 'sponsor-form-phone');
    await sform.getByRole('button', { name: '提交评价 Submit' }).click();
    await sp.p.getByTestId('form-state').getByText('已提交评价').waitFor();
    await shot(sp.p, 'sponsor-answered-phone');
    expect(sp.errors).toEqual([]);
    await sp.p.context().close();
    await t.p.context().close();
  });

  it.each([desktop!, phone!])(
    '[JS-14] [QM-3] the manager reads the evaluation tab and the quality objectives page ($name)',
    async (size) => {
      const w = klass.w;
      const m = await pageAs(s.t, s.browser, w.usernames.manager, size);
      await m.p.goto(`${s.t.baseUrl}/app/manager.html#/class/${klass.classId}/evaluation`);
      const results = m.p.getByTestId('results-trainee');
      await results.waitFor();
      const api = await w.as.manager.call<ClassEvaluationView>(
        'GET',
        `/api/v1/classes/${klass.classId}/evaluations`,
      );
      // What the page shows is the API's figures.
      expect(await m.p.getByTestId('satisfaction-trainee').innerText()).toContain(
        `${api.trainee!.satisfactionPct}%`,
      );
      expect(await m.p.getByTestId('per-instructor').innerText()).toContain('资深教员');
      expect(await m.p.getByTestId('comments-trainee').innerText()).toContain(
        '老师讲解清楚 Clear explanations',
      );
      expect(await m.p.getByTestId('invitations').innerText()).toContain('已答复');
      await shot(m.p, `manager-evaluation-${size.name}`);
      // A new invitation shows its link once.
      await m.p.locator('#sponsor-name').fill(`远洋船务有限公司 ${size.name}`);
      await m.p.getByRole('button', { name: '生成邀请链接 Create invitation link' }).click();
      const url = await m.p.getByTestId('sponsor-url').inputValue();
      expect(url).toMatch(/\/app\/evaluate\.html\?token=[A-Za-z0-9_-]{43}$/);

      await m.p.goto(`${s.t.baseUrl}/app/manager.html#/`);
      await m.p.getByRole('link', { name: '质量目标 Quality objectives' }).click();
      await m.p.getByTestId('objectives').waitFor();
      const from = chinaDate(0);
      const to = chinaDate(40);
      await m.p.locator('#q-from').fill(from);
      await m.p.locator('#q-to').fill(to);
      await m.p.getByRole('button', { name: '统计 Compute' }).click();
      await m.p.getByTestId('quality-classes').waitFor();
      const sat = m.p.getByTestId('objective-trainee_satisfaction');
      // 3 of 3 trainees satisfied (overall 5, 4, 4): 100 %, met, gap +15.
      expect(await sat.innerText()).toContain('100%');
      expect(await sat.innerText()).toContain('+15');
      expect(await sat.locator('.badge').innerText()).toContain('达标');
      expect(await m.p.getByTestId('objective-exam_pass_rate').innerText()).toContain('暂无数据');
      expect(await m.p.getByTestId('quality-classes').innerText()).toContain('评价页面测试班');
      expect(await m.p.getByTestId('definitions').innerText()).toContain('首次考试');
      await shot(m.p, `manager-quality-${size.name}`);
      expect(m.errors).toEqual([]);
      await m.p.context().close();

      const o = await pageAs(s.t, s.browser, w.usernames.officer, size);
      await o.p.goto(`${s.t.baseUrl}/app/officer.html#/quality`);
      await o.p.getByTestId('quality-institutions').waitFor();
      expect(await o.p.getByTestId('quality-institutions').innerText()).toContain('测试航海学校');
      await shot(o.p, `officer-quality-${size.name}`);
      expect(o.errors).toEqual([]);
      await o.p.context().close();
    },
  );
});
