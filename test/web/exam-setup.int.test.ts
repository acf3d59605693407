import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CH1, CH2, addExamFixture } from '../helpers/exams';
import { createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs } from './web';

/** JS-7.3 / QM-2 in Chromium (desktop, staff): a manager drafts a standard, the admin approves it, the manager sets an exam. */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/standards';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const desktop = SIZES[0];

describe('exam setup pages', () => {
  it('[JS-7.3][QM-2] the manager drafts a blueprint checked against the bank, the admin approves it, the manager sets an exam for the class', async () => {
    const w = await createWorld(s.t);
    // A confirmed class with three trainees and the item's bank (the fixture's own exam is there too).
    const f = await addExamFixture(s.t, w);

    const m = await pageAs(s.t, s.browser, w.usernames.manager, desktop);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html#/standards/${w.theoryItemId}`);
    await m.p.getByRole('heading', { name: '考试标准 Exam standards' }).waitFor();
    // The bank per cell, as the API counts it.
    const bank = m.p.getByTestId('bank-cells');
    await bank.waitFor();
    expect(await bank.innerText()).toMatch(new RegExp(`${CH1}\\s+单选题 Single choice\\s+2\\s+4`));

    await m.p.getByRole('button', { name: '＋ 新建考试标准 New standard' }).click();
    const ed = m.p.getByTestId('standard-editor');
    await ed.getByLabel('标准名称 Standard name').fill('浏览器结业考试标准');
    const row1 = ed.getByTestId('blueprint-row').nth(0);
    await row1.getByLabel('章节 Chapter').fill(CH1);
    await row1.getByLabel('题型 Type').selectOption('single');
    await row1.getByLabel('难度 Difficulty').selectOption('2');
    await row1.getByLabel('题数 Count').fill('9');
    await row1.getByLabel('每题分值 Score each').fill('2');
    await ed.getByRole('button', { name: '＋ 添加一行 Add row' }).click();
    const row2 = ed.getByTestId('blueprint-row').nth(1);
    await row2.getByLabel('章节 Chapter').fill(CH2);
    await row2.getByLabel('题型 Type').selectOption('fill_in');
    await row2.getByLabel('难度 Difficulty').selectOption('2');
    await row2.getByLabel('题数 Count').fill('2');
    await row2.getByLabel('每题分值 Score each').fill('3');
    // Too many single choices: the API names the short cell, per row.
    await ed.getByRole('button', { name: '对照题库检查 Check against the bank' }).click();
    await ed
      .getByTestId('blueprint-check')
      .getByText(/需要 9 题，题库中可用 4 题/)
      .waitFor();
    expect(await row1.getByTestId('cell-available').innerText()).toBe('4（不足 short）');
    expect(await row2.getByTestId('cell-available').innerText()).toBe('3');
    await shot(m.p, 'standard-editor-short');
    await row1.getByLabel('题数 Count').fill('3');
    await ed.getByRole('button', { name: '对照题库检查 Check against the bank' }).click();
    await ed
      .getByTestId('blueprint-check')
      .getByText(/题库可以满足：共 5 题，12 分/)
      .waitFor();
    await ed.getByLabel('及格方式 Pass mark kind').selectOption('points');
    await ed.getByLabel('及格线 Pass mark').fill('7');
    await ed.getByLabel('多选题评分 Multiple choice marking').selectOption('partial');
    await ed.getByLabel('考试时长（分钟） Duration (minutes)').fill('50');
    await ed.getByRole('button', { name: '保存草稿 Save draft' }).click();
    await m.p
      .getByTestId('standards-notice')
      .getByText(/第 1 版草稿，待机构管理员审批/)
      .waitFor();
    const card = m.p.getByTestId('standard-card').filter({ hasText: '浏览器结业考试标准' });
    expect(await card.innerText()).toContain('待机构管理员审批 Awaiting the institution admin');
    // The manager cannot approve: no approve button on their page.
    expect(await card.getByRole('button', { name: '批准 Approve' }).count()).toBe(0);
    await shot(m.p, 'standards-manager-draft');

    const a = await pageAs(s.t, s.browser, w.usernames.admin, desktop);
    await a.p.goto(`${s.t.baseUrl}/app/manager.html#/standards/${w.theoryItemId}`);
    const adminCard = a.p.getByTestId('standard-card').filter({ hasText: '浏览器结业考试标准' });
    await adminCard.waitFor();
    await adminCard.getByLabel('审批意见 Decision note v1').fill('同意使用');
    await adminCard.getByRole('button', { name: '批准 Approve' }).click();
    await a.p
      .getByTestId('standards-notice')
      .getByText(/已批准“浏览器结业考试标准”第 1 版/)
      .waitFor();
    const approvedText = await a.p
      .getByTestId('standard-card')
      .filter({ hasText: '浏览器结业考试标准' })
      .innerText();
    expect(approvedText).toContain('已批准（在用） Approved (in use)');
    expect(approvedText).toContain('7 分及格 Pass at 7 points');
    expect(approvedText).toContain('机构管理员');
    expect(approvedText).toContain('同意使用');
    await shot(a.p, 'standards-admin-approved');

    await m.p.goto(`${s.t.baseUrl}/app/manager.html#/class/${f.classId}/exams`);
    const form = m.p.getByTestId('exam-form');
    await form.waitFor();
    const option = form.getByLabel('考试标准 Standard', { exact: true }).locator('option', {
      hasText: '浏览器结业考试标准',
    });
    await form
      .getByLabel('考试标准 Standard', { exact: true })
      .selectOption((await option.getAttribute('value'))!);
    await form.getByLabel('考试名称 Title').fill('浏览器设置的考试');
    await form.getByLabel('组卷方式 Paper').selectOption('fixed');
    await form.getByLabel('监考课次 Invigilation session').selectOption({ index: 1 });
    await form.getByLabel('要求开启摄像头 Camera required').check();
    await form.getByLabel('随机抓拍次数 Stills per attempt').fill('2');
    await form.getByRole('button', { name: '设置考试 Set exam' }).click();
    await m.p
      .getByTestId('exams-notice')
      .getByText(/已设置考试“浏览器设置的考试”，考生 3 人/)
      .waitFor();
    const row = m.p.getByTestId('exam-row').filter({ hasText: '浏览器设置的考试' });
    const rowText = await row.innerText();
    expect(rowText).toContain('浏览器结业考试标准 · 第 1 版 v1');
    expect(rowText).toContain('统一试卷 One paper for all');
    expect(rowText).toContain('5 题 · 12 分');
    expect(rowText).toContain('50 分钟 min');
    expect(rowText).toMatch(/未开考 Not yet open/);
    expect(await row.locator(`a[href^="#/exam/${f.classId}/"]`).count()).toBe(1);
    expect(await row.locator(`a[href^="#/proctoring/${f.classId}/"]`).count()).toBe(1);
    // The candidates of the exam; extra time for one of them.
    await row.getByRole('button', { name: '考生与补考 Candidates' }).click();
    const cands = m.p.getByTestId('candidate-table');
    await cands.waitFor();
    expect(await cands.getByTestId('candidate-row').count()).toBe(3);
    const extra = m.p.getByTestId('extra-time-form');
    await extra.getByLabel('加时（分钟） Extra minutes').fill('20');
    await extra.getByLabel('原因 Reason').fill('听障考生延时');
    await extra.getByRole('button', { name: '保存加时 Save extra time' }).click();
    await cands.getByText('+20 分钟 min').waitFor();
    await shot(m.p, 'class-exams-tab');
    expect(await bodyText(m.p)).not.toContain('undefined');
    expect(m.errors).toEqual([]);
    expect(a.errors).toEqual([]);
  });
});
