import ExcelJS from 'exceljs';
import type { QuestionDetailView, QuestionListView } from '@seafarer/contracts';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, type World } from './helpers/world';

let t: TestApp;
let w: World;
let other: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
  other = await createWorld(t);
});
afterAll(() => t.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const bank = (itemId = w.theoryItemId) => `/api/v1/training-items/${itemId}/questions`;
const single = {
  type: 'single',
  stem: '船舶在能见度不良时应当使用何种航速？',
  options: [
    { key: 'A', text: '最高航速' },
    { key: 'B', text: '安全航速' },
    { key: 'C', text: '经济航速' },
  ],
  answer: { keys: ['B'] },
  chapter: '第一章 避碰规则',
  knowledgePoint: '安全航速',
  difficulty: 2,
  score: 2,
  explanation: '第 6 条',
};

async function download(path: string): Promise<ExcelJS.Workbook> {
  const res = await fetch(`${t.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${w.as.manager.token}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}
const sheetRows = (sheet: ExcelJS.Worksheet) => {
  const rows: string[][] = [];
  sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return rows;
};
const upload = async (wb: ExcelJS.Workbook, itemId = w.theoryItemId) =>
  w.as.manager.raw('POST', `${bank(itemId)}/import`, {
    rawBody: new Uint8Array(await wb.xlsx.writeBuffer()),
    headers: { 'content-type': XLSX },
  });

describe('question bank', () => {
  it('[QM-2] an edited question is a new version; the old version stays as it was; a retired question is listed as retired', async () => {
    const created = await w.as.instructor.call<QuestionDetailView>('POST', bank(), { body: single });
    expect(created.versionCount).toBe(1);
    expect(created.current).toMatchObject({ version: 1, answerText: 'B', typeLabel: { zh: '单选题' } });

    const edited = await w.as.manager.call<QuestionDetailView>('PUT', `${bank()}/${created.id}`, {
      body: { ...single, stem: '能见度不良时应使用？', answer: { keys: ['b'] }, score: 3 },
    });
    expect(edited.versionCount).toBe(2);
    expect(edited.current).toMatchObject({ version: 2, stem: '能见度不良时应使用？', score: 3 });
    expect(edited.current.id).not.toBe(created.current.id);
    // The first version is unchanged, byte for byte.
    expect(edited.versions.find((v) => v.version === 1)).toEqual(created.current);

    const retired = await w.as.manager.call<QuestionDetailView>('POST', `${bank()}/${created.id}/retire`, {
      body: { retired: true },
    });
    expect(retired.statusLabel).toEqual({ zh: '已停用', en: 'Retired' });
    const list = await w.as.officer.call<QuestionListView>('GET', bank(), { query: { status: 'retired' } });
    expect(list.items.map((q) => [q.id, q.status, q.current.version])).toEqual([[created.id, 'retired', 2]]);
    const active = await w.as.manager.call<QuestionListView>('GET', bank(), { query: { status: 'active' } });
    expect(active.items.map((q) => q.id)).not.toContain(created.id);

    // The bank's rules: a single choice with two keys, a score of 0 are refused with a coded 4xx.
    const twoKeys = await w.as.manager.raw('POST', bank(), {
      body: { ...single, answer: { keys: ['A', 'B'] } },
    });
    expect(twoKeys.status).toBe(400);
    expect(twoKeys.body).toMatchObject({
      code: 'VALIDATION',
      details: {
        problems: [
          {
            field: 'answer',
            code: 'SINGLE_ONE_KEY',
            zh: '单选题必须恰好有一个正确选项',
            en: 'A single-choice question must have exactly one correct option',
          },
        ],
      },
    });
    expect((await w.as.manager.raw('POST', bank(), { body: { ...single, score: 0 } })).status).toBe(400);
    // Instructors write questions but do not retire them.
    expect(
      (await w.as.instructor.raw('POST', `${bank()}/${created.id}/retire`, { body: { retired: false } }))
        .status,
    ).toBe(403);
  });

  it('[QM-2] the XLSX template round-trips: filled in, imported, exported with the same content', async () => {
    const item = w.practicalItemId; // an empty bank
    const template = await download(`${bank(item)}/template.xlsx`);
    expect(template.worksheets.map((s) => s.name)).toEqual(['题库 Questions', '说明 Notes']);
    const sheet = template.worksheets[0]!;
    const rows = sheetRows(sheet);
    expect(rows[0]!.slice(0, 3)).toEqual(['序号 No.', '题型 Type', '章节 Chapter']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['单选题', '多选题', '判断题', '填空题', '简答题']);
    // The example rows alone import nothing.
    const onlyExamples = await upload(template, item);
    expect(onlyExamples.status).toBe(400);
    expect(onlyExamples.body).toMatchObject({ code: 'SPREADSHEET_INVALID' });

    // Filled in: the examples numbered 1…5 (as a person copies them into rows of their own).
    rows.slice(1).forEach((_r, i) => {
      sheet.getRow(i + 2).getCell(1).value = String(i + 1);
    });
    const imported = await upload(template, item);
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ imported: 5 });

    const list = await w.as.manager.call<QuestionListView>('GET', bank(item));
    expect(list.items).toHaveLength(5);
    const fill = list.items.find((q) => q.current.type === 'fill_in')!;
    expect(fill.current.answer).toEqual({ accepted: ['锚泊'], synonyms: ['抛锚', 'anchoring'] });
    expect(list.items.find((q) => q.current.type === 'true_false')!.current.answer).toEqual({ value: true });

    const exported = await download(`${bank(item)}/export.xlsx`);
    const back = sheetRows(exported.worksheets[0]!);
    const content = (r: string[][]) =>
      r
        .slice(1)
        .map((row) => row.slice(1).join('\t'))
        .sort();
    expect(back[0]).toEqual(rows[0]);
    expect(content(back)).toEqual(content(rows));
  });

  it('[QM-2] an import with a bad row is refused whole, each error naming its row and column header in zh/en', async () => {
    const before = (await w.as.manager.call<QuestionListView>('GET', bank())).items.length;
    const template = await download(`${bank()}/template.xlsx`);
    const sheet = template.worksheets[0]!;
    const header = sheetRows(sheet)[0]!;
    const col = (h: string) => header.indexOf(h) + 1;
    for (let r = 2; r <= 6; r += 1) sheet.getRow(r).getCell(1).value = String(r - 1);
    sheet.getRow(2).getCell(col('答案 Answer')).value = 'Z'; // single choice: not an option
    sheet.getRow(4).getCell(col('答案 Answer')).value = '也许'; // true/false
    sheet.getRow(5).getCell(col('分值 Score')).value = 0; // fill-in: score must be > 0
    const res = await upload(template);
    expect(res.status).toBe(400);
    const body = res.body as { code: string; details: { errors: Array<Record<string, unknown>> } };
    expect(body.code).toBe('VALIDATION');
    expect(body.details.errors.map((e) => [e.row, e.column, e.columnEn])).toEqual([
      [2, '答案', 'Answer'],
      [4, '答案', 'Answer'],
      [5, '分值', 'Score'],
    ]);
    expect(body.details.errors[0]).toMatchObject({
      zh: expect.stringMatching(/^第 2 行“答案”：答案 Z 不是本题的选项/),
      en: expect.stringMatching(/^Row 2, "Answer": Answer Z is not one of the options/),
    });
    expect(body.details.errors[1]!.zh).toContain('应为“正确”或“错误”');
    expect((await w.as.manager.call<QuestionListView>('GET', bank())).items).toHaveLength(before);

    // Not a workbook at all: one coded file-level error.
    const junk = await w.as.manager.raw('POST', `${bank()}/import`, {
      rawBody: 'not a spreadsheet',
      headers: { 'content-type': XLSX },
    });
    expect(junk.status).toBe(400);
    expect(junk.body).toMatchObject({ code: 'SPREADSHEET_INVALID' });
  });

  it("[SEC-1] a trainee cannot read the bank; another institution's manager gets 404", async () => {
    const q = await w.as.manager.call<QuestionDetailView>('POST', bank(), { body: single });
    for (const path of [bank(), `${bank()}/${q.id}`, `${bank()}/export.xlsx`, `${bank()}/template.xlsx`])
      expect((await w.as.trainee.raw('GET', path)).status).toBe(403);
    expect((await other.as.manager.raw('GET', bank())).status).toBe(404);
    expect((await other.as.manager.raw('GET', `${bank()}/${q.id}`)).status).toBe(404);
    expect((await other.as.manager.raw('PUT', `${bank()}/${q.id}`, { body: single })).status).toBe(404);
    // The question under another item (of the same institution) does not exist there.
    expect((await w.as.manager.raw('GET', `${bank(w.practicalItemId)}/${q.id}`)).status).toBe(404);
    // The other institution's question under this item: 404 too.
    const theirs = await other.as.manager.call<QuestionDetailView>('POST', bank(other.theoryItemId), {
      body: single,
    });
    expect((await w.as.manager.raw('GET', `${bank()}/${theirs.id}`)).status).toBe(404);
  });
});
