import ExcelJS from 'exceljs';
import type { ExamResultRow, ExamResultsView, LocalizedText } from '@seafarer/contracts';
import { formatChinaMinute } from '../filing/china-time';

/**
 * JS-7.3 考试数据导出: the results (one row per candidate) as XLSX and CSV, and the per-question answers
 * (one row per candidate × question) as XLSX. zh-CN headers with English beside, China time, people's
 * words for every value (合格 Pass, 缺考 Absent), never an enum code. XLSX cells are plain strings and
 * numbers, never formulas; a CSV cell that a spreadsheet would read as a formula (= + - @, tab, CR)
 * is prefixed with an apostrophe, as the account slips' CSV does, so "=HYPERLINK(…)" stays text.
 */

const h = (zh: string, en: string) => `${zh} ${en}`;
const both = (l: LocalizedText | null) => (l ? `${l.zh} ${l.en}` : '—');
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const RESULT_COLUMNS = [
  h('序号', 'No.'),
  h('姓名', 'Name'),
  h('证件号码', 'ID number'),
  h('考次', 'Attempt'),
  h('状态', 'State'),
  h('开始时间（北京时间）', 'Started (China time)'),
  h('交卷时间（北京时间）', 'Submitted (China time)'),
  h('得分', 'Score'),
  h('满分', 'Total'),
  h('结论', 'Verdict'),
  h('待人工评分题数', 'Hand marks pending'),
  h('监考标记数', 'Proctoring flags'),
];

function resultCells(r: ExamResultRow): Array<string | number> {
  return [
    r.no,
    r.name,
    r.idNumberMasked,
    r.attemptNo ?? '—',
    both(r.stateLabel),
    r.startedAtText ?? '—',
    r.submittedAtText ?? '—',
    r.score ?? '—',
    r.total ?? '—',
    both(r.verdictLabel),
    r.manualPending,
    r.flags,
  ];
}

/** A CSV cell: formula-looking text made inert, quoted when it holds a comma, quote or line break. */
export function csvCell(v: unknown): string {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const titleOf = (v: ExamResultsView) => `${v.title} 成绩单 Results`;

/** results.csv: UTF-8 with a BOM (so Excel reads the Chinese), CRLF lines. */
export function resultsCsv(v: ExamResultsView): Buffer {
  const lines = [RESULT_COLUMNS, ...v.rows.map(resultCells)].map((r) => r.map(csvCell).join(','));
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

function titleRows(ws: ExcelJS.Worksheet, title: string, columns: number, exportedAt: Date, extra: string) {
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, columns);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.addRow([
    `${extra} · ${h('导出时间（北京时间）', 'Exported (China time)')}：${formatChinaMinute(exportedAt)}`,
  ]);
  ws.mergeCells(2, 1, 2, columns);
}

/** results.xlsx: a title row, the export time, the header row, one row per candidate. */
export async function resultsXlsx(v: ExamResultsView, exportedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('成绩 Results', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.columns = [8, 16, 22, 10, 20, 20, 20, 10, 10, 18, 18, 16].map((width) => ({ width }));
  titleRows(ws, titleOf(v), RESULT_COLUMNS.length, exportedAt, both(v.passMarkText));
  ws.addRow(RESULT_COLUMNS).font = { bold: true };
  for (const r of v.rows) ws.addRow(resultCells(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface AnswerExportRow {
  candidateNo: number;
  name: string;
  idNumberMasked: string;
  no: number;
  typeLabel: LocalizedText;
  chapter: string;
  stem: string;
  answerText: string;
  rightAnswerText: string;
  score: number;
  max: number;
  outcome: LocalizedText;
}

export const ANSWER_COLUMNS = [
  h('序号', 'No.'),
  h('姓名', 'Name'),
  h('证件号码', 'ID number'),
  h('题号', 'Question'),
  h('题型', 'Type'),
  h('章节', 'Chapter'),
  h('题目', 'Stem'),
  h('考生答案', 'Answer given'),
  h('正确答案', 'Right answer'),
  h('得分', 'Score'),
  h('满分', 'Max'),
  h('结果', 'Outcome'),
];

/** answers.xlsx: one row per candidate × question on their paper, in paper order. */
export async function answersXlsx(title: string, rows: AnswerExportRow[], exportedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('答题明细 Answers', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.columns = [8, 16, 22, 8, 16, 16, 48, 28, 28, 8, 8, 22].map((width) => ({ width }));
  titleRows(
    ws,
    `${title} 答题明细 Answers`,
    ANSWER_COLUMNS.length,
    exportedAt,
    h('每位考生每题一行', 'one row per candidate and question'),
  );
  ws.addRow(ANSWER_COLUMNS).font = { bold: true };
  for (const r of rows)
    ws.addRow([
      r.candidateNo,
      r.name,
      r.idNumberMasked,
      r.no,
      both(r.typeLabel),
      r.chapter,
      r.stem,
      r.answerText,
      r.rightAnswerText,
      r.score,
      r.max,
      both(r.outcome),
    ]);
  ws.eachRow((row, i) => {
    if (i > 3) row.alignment = { vertical: 'top', wrapText: true };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
