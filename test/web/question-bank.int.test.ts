import { mkdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs } from './web';

/** QM-2 in Chromium: the manager's question bank of a training item, at desktop and phone size. */
const s = browserSuite();
const SHOTS = '/tmp/helpers/shots/bank';
mkdirSync(SHOTS, { recursive: true });
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

async function badWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('题库 Questions');
  sheet.addRow([
    '序号 No.',
    '题型 Type',
    '章节 Chapter',
    '难度 Difficulty',
    '分值 Score',
    '题干 Stem',
    '选项A Option A',
    '选项B Option B',
    '答案 Answer',
  ]);
  sheet.addRow(['1', '单选题', '第一章', 2, 2, '题干一', '甲', '乙', 'A']);
  sheet.addRow(['2', '判断题', '第一章', 2, 2, '题干二', '', '', '也许']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function goodWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('题库 Questions');
  sheet.addRow(['题型 Type', '章节 Chapter', '难度 Difficulty', '分值 Score', '题干 Stem', '答案 Answer']);
  sheet.addRow(['判断题', '第二章', 1, 1, '导入的判断题', '对']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(SIZES)('question bank page at $name size', (size) => {
  it(`[QM-2] the manager writes a single-choice question, edits it into version 2, reads the history, retires it, sees an import's row errors and exports (${size.name})`, async () => {
    const w = await createWorld(s.t);
    const m = await pageAs(s.t, s.browser, w.usernames.manager, size);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html`);
    await m.p.getByRole('heading', { name: '班级 Classes' }).waitFor();
    await m.p.getByRole('link', { name: '题库 Question banks' }).click();
    await m.p.getByRole('heading', { name: '题库 Question banks' }).waitFor();
    await shot(m.p, `bank-items-${size.name}`);
    await m.p.locator(`a[href="#/questions/${w.theoryItemId}"]`).click();
    await m.p.getByTestId('question-count').getByText('共 0 题 0 question(s)').waitFor();

    await m.p.getByRole('button', { name: '＋ 新建题目 New question' }).click();
    const form = m.p.getByTestId('question-form');
    await form.getByLabel('题干 Stem').fill('能见度不良时船舶应使用何种航速？');
    await form.getByLabel('选项 Option A').fill('最高航速');
    await form.getByLabel('选项 Option B').fill('安全航速');
    await form.getByLabel('章节 Chapter').fill('第一章 避碰规则');
    // Two correct keys for a single choice: the server refuses, the page shows why.
    await form.getByLabel('A 正确 correct').check();
    await form.getByLabel('B 正确 correct').check();
    await form.getByRole('button', { name: '保存 Save' }).click();
    await form.getByText(/单选题必须恰好有一个正确选项/).waitFor();
    await form.getByLabel('A 正确 correct').uncheck();
    await form.getByRole('button', { name: '保存 Save' }).click();
    const row = m.p.getByTestId('question-row').filter({ hasText: '能见度不良时船舶应使用何种航速？' });
    await row.waitFor();
    let text = await row.innerText();
    expect(text).toContain('单选题 Single choice');
    expect(text).toContain('第 1 版 v1');
    expect(text).toContain('在用 Active');

    await row.getByRole('button', { name: '编辑 Edit' }).click();
    const edit = m.p.getByTestId('question-form');
    await edit.getByText('编辑题目（保存为第 2 版） Edit (saved as version 2)').waitFor();
    await edit.getByLabel('题干 Stem').fill('能见度不良时应使用？');
    await edit.getByRole('button', { name: '保存 Save' }).click();
    const row2 = m.p.getByTestId('question-row').filter({ hasText: '能见度不良时应使用？' });
    await row2.getByText('第 2 版 v2').waitFor();
    await row2.getByRole('button', { name: '历史 History (2)' }).click();
    const history = m.p.getByTestId('question-history');
    await history.waitFor();
    text = await history.innerText();
    expect(text).toContain('能见度不良时船舶应使用何种航速？');
    expect(text).toContain('北京时间 China time');
    await shot(m.p, `bank-${size.name}`);

    await row2.getByRole('button', { name: '停用 Retire' }).click();
    await m.p.getByTestId('question-count').getByText('共 0 题 0 question(s)').waitFor();
    await m.p.getByLabel('状态 Status').selectOption('retired');
    await m.p.getByTestId('question-row').getByText('已停用 Retired').waitFor();

    await m.p.getByLabel('题库文件 Question file (XLSX)').setInputFiles({
      name: 'bad.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await badWorkbook(),
    });
    await m.p.getByRole('button', { name: '导入 Import' }).click();
    const errors = m.p.getByTestId('import-errors');
    await errors.waitFor();
    text = await errors.innerText();
    expect(text).toContain('共 1 处错误，未导入任何题目');
    expect(text).toContain('第 3 行 Row 3');
    expect(text).toContain('答案 Answer');
    expect(text).toContain('应为“正确”或“错误”');
    await shot(m.p, `bank-import-errors-${size.name}`);

    // A good file: imported, the count shown above the refreshed list.
    await m.p.getByLabel('题库文件 Question file (XLSX)').setInputFiles({
      name: 'good.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await goodWorkbook(),
    });
    await m.p.getByRole('button', { name: '导入 Import' }).click();
    await m.p.getByTestId('import-result').getByText('已导入 1 题 Imported 1 question(s)').waitFor();
    await m.p.getByLabel('状态 Status').selectOption('active');
    await m.p
      .getByTestId('question-row')
      .filter({ hasText: '导入的判断题' })
      .getByText('正确 True')
      .waitFor();

    const [file] = await Promise.all([
      m.p.waitForEvent('download'),
      m.p.getByRole('button', { name: '导出题库 Export' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^question-bank-.*\.xlsx$/);
    expect(await bodyText(m.p)).not.toContain('undefined');
    expect(m.errors).toEqual([]);
  });
});
