import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { OversightItemView } from '@seafarer/contracts';
import { png } from '../helpers/images';
import { addDays, chinaDate, createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs } from './web';

/** JS-17 / QM-4 in Chromium: the officer's findings page and the institution's, at desktop and phone size. */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/O';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

describe.each(SIZES)('findings pages at $name size', (size) => {
  it(`[JS-17] [QM-4] the officer records a finding with a deadline, the institution sees the days left and an overdue item, corrects with a file, the officer views the evidence, accepts, sees the scoring and suspends with a confirmation (${size.name})`, async () => {
    const w = await createWorld(s.t);
    // An older finding whose deadline passed two days ago (recorded over the API).
    await w.as.officer.call<OversightItemView>(
      'POST',
      `/api/v1/institutions/${w.institutionId}/oversight-items`,
      {
        body: {
          kind: 'complaint',
          title: '学员投诉直播卡顿',
          detail: '核实属实',
          occurredOn: chinaDate(-10),
          deadline: chinaDate(-2),
        },
      },
    );

    const o = await pageAs(s.t, s.browser, w.usernames.officer, size);
    await o.p.goto(`${s.t.baseUrl}/app/officer.html`);
    await o.p.getByText(w.code, { exact: false }).first().waitFor();
    await o.p.getByRole('link', { name: '监督检查与整改 Findings' }).first().click();
    await o.p.getByText('监督检查与整改 Findings and corrections').waitFor();
    const form = o.p.getByTestId('record-form');
    await form.locator('select[name=kind]').selectOption('finding');
    await form.locator('input[name=title]').fill('直播教室未配备 UPS 电源');
    await form.locator('textarea[name=detail]').fill('现场检查发现直播教室无 UPS。');
    await form.locator('input[name=deadline]').fill(addDays(chinaDate(0), 7));
    await form.getByRole('button', { name: '记录 Record' }).click();
    const card = o.p.locator('[data-testid=oversight-item]', { hasText: '直播教室未配备 UPS 电源' });
    await card.getByText('剩余 7 天 7 days left').waitFor();
    expect(await bodyText(o.p)).toContain('已逾期 2 天 Overdue by 2 d');

    const m = await pageAs(s.t, s.browser, w.usernames.manager, size);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html`);
    await m.p.getByRole('heading', { name: '班级 Classes' }).waitFor();
    await m.p.getByRole('link', { name: '监督检查与整改 Findings' }).click();
    const mine = m.p.locator('[data-testid=oversight-item]', { hasText: '直播教室未配备 UPS 电源' });
    await mine.getByText('剩余 7 天 7 days left').waitFor();
    const text = await bodyText(m.p);
    expect(text).toContain('检查发现缺陷 Inspection finding (defect)：直播教室未配备 UPS 电源');
    expect(text).toContain('已逾期 2 天 Overdue by 2 d');
    expect(text).toContain('已逾期 Overdue: 1');
    await shot(m.p, `manager-findings-${size.name}`);
    await mine.getByLabel('整改情况 Correction').fill('已购置并安装 UPS 电源一台，续航 6.5 小时。');
    await mine
      .getByLabel(/整改证据 Evidence files|证据文件/)
      .setInputFiles({ name: 'ups.png', mimeType: 'image/png', buffer: png(`ups-${size.name}`) });
    await mine.getByRole('button', { name: '提交整改 Submit correction' }).click();
    await mine.getByText('整改待审核 Correction submitted').waitFor();
    await mine.getByText('查看证据 1 View evidence 1（图片 Image）').waitFor();
    expect(m.errors).toEqual([]);

    // The officer's notice of the correction opens the institution's findings page.
    await o.p.goto(`${s.t.baseUrl}/app/officer.html#/`);
    await o.p.getByTestId('officer-notices').getByText('提交了整改').first().click();
    await o.p.waitForURL(new RegExp(`#/findings/${w.institutionId}`));
    const again = o.p.locator('[data-testid=oversight-item]', { hasText: '直播教室未配备 UPS 电源' });
    await again.getByText('已购置并安装 UPS 电源一台').waitFor();
    await again.getByRole('button', { name: /查看证据 1/ }).click();
    await again.locator('img.evidence-img').waitFor();
    await again.getByLabel('审核意见 Decision note').fill('整改到位');
    await again.getByRole('button', { name: '通过 Accept' }).click();
    await o.p
      .locator('[data-testid=oversight-item]', { hasText: '直播教室未配备 UPS 电源' })
      .getByText('整改已通过 Correction accepted')
      .waitFor();
    // The scoring panel: one finding in the window (3.1: 2 points), one uncorrected complaint (3.2: 2).
    const scoring = await o.p.getByTestId('scoring').innerText();
    expect(scoring).toContain('3.1 培训监督检查结果');
    expect(scoring).toMatch(/2 \/ 4/);
    await shot(o.p, `officer-findings-${size.name}`);

    // A measure, confirmed in a dialog (accepted by the page helper).
    await o.p.getByLabel('措施 Measure').selectOption('suspend');
    await o.p.getByLabel('理由 Reason').fill('逾期未整改投诉事项');
    await o.p.getByRole('button', { name: '执行措施 Apply' }).click();
    await o.p.getByTestId('qualification').getByText('暂停 Suspended').waitFor();
    expect(await bodyText(o.p)).toContain('暂停线上培训资格 Suspend online-training qualification');
    await shot(o.p, `officer-findings-suspended-${size.name}`);
    // The jurisdiction's list names the institution beside each item.
    await o.p.goto(`${s.t.baseUrl}/app/officer.html#/findings`);
    await o.p.getByText('辖区监督检查事项 Findings in the jurisdiction').waitFor();
    await o.p.getByText(`${w.code}`, { exact: false }).first().waitFor();
    expect(await bodyText(o.p)).toContain('学员投诉直播卡顿');
    expect(o.errors).toEqual([]);
    await o.p.context().close();
    await m.p.context().close();
  });
});
