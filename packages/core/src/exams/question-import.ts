import { ValueType, Workbook, type Cell, type Worksheet } from 'exceljs';
import {
  QUESTION_DIFFICULTY_LABELS,
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  type LocalizedText,
  type QuestionBody,
  type QuestionType,
} from '@seafarer/contracts';
import {
  MAX_FILE_BYTES,
  MAX_SHEET_CELLS,
  MAX_SHEET_ROWS,
  headerColumns,
  invalidSpreadsheet,
  loadBoundedWorkbook,
  normalizeHeader,
  type SpreadsheetProblem,
} from '../roster/roster-file';
import {
  checkQuestion,
  FALSE_LABEL,
  isChoice,
  TRUE_LABEL,
  type CheckedQuestion,
  type QuestionField,
} from './question-bank';

/**
 * QM-2: the question bank as a spreadsheet. One sheet, one question a row, the same columns for the
 * template, the import and the export (so an export imports again as it was). The file is read in the
 * parse pool (shared/parse-pool, job 'questions') with the roster's limits, then every row is checked
 * by the bank's rules (question-bank.ts) and the import stores all rows or none.
 */

export const MAX_QUESTION_ROWS = 2000;
const HEADER_SEARCH_ROWS = 10;
/** Options A–F have a column each (the bank allows up to H through the API). */
export const SHEET_OPTION_KEYS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

export type SheetColumn =
  | 'no'
  | 'type'
  | 'chapter'
  | 'knowledgePoint'
  | 'difficulty'
  | 'score'
  | 'stem'
  | `option${(typeof SHEET_OPTION_KEYS)[number]}`
  | 'answer'
  | 'synonyms'
  | 'explanation';

export const SHEET_COLUMNS: readonly SheetColumn[] = [
  'no',
  'type',
  'chapter',
  'knowledgePoint',
  'difficulty',
  'score',
  'stem',
  ...SHEET_OPTION_KEYS.map((k) => `option${k}` as const),
  'answer',
  'synonyms',
  'explanation',
];

export const COLUMN_LABELS: Readonly<Record<SheetColumn, LocalizedText>> = {
  no: { zh: '序号', en: 'No.' },
  type: { zh: '题型', en: 'Type' },
  chapter: { zh: '章节', en: 'Chapter' },
  knowledgePoint: { zh: '知识点', en: 'Knowledge point' },
  difficulty: { zh: '难度', en: 'Difficulty' },
  score: { zh: '分值', en: 'Score' },
  stem: { zh: '题干', en: 'Stem' },
  optionA: { zh: '选项A', en: 'Option A' },
  optionB: { zh: '选项B', en: 'Option B' },
  optionC: { zh: '选项C', en: 'Option C' },
  optionD: { zh: '选项D', en: 'Option D' },
  optionE: { zh: '选项E', en: 'Option E' },
  optionF: { zh: '选项F', en: 'Option F' },
  answer: { zh: '答案', en: 'Answer' },
  synonyms: { zh: '同义答案', en: 'Synonyms' },
  explanation: { zh: '解析', en: 'Explanation' },
};
const REQUIRED_COLUMNS: readonly SheetColumn[] = ['type', 'chapter', 'difficulty', 'score', 'stem', 'answer'];
/** The header a column has in the template: "题型 Type". */
export const headerOf = (c: SheetColumn) => `${COLUMN_LABELS[c].zh} ${COLUMN_LABELS[c].en}`;

/** Where a rule's field shows in the sheet. */
const COLUMN_OF_FIELD: Record<QuestionField, SheetColumn> = {
  type: 'type',
  stem: 'stem',
  options: 'optionA',
  answer: 'answer',
  synonyms: 'synonyms',
  chapter: 'chapter',
  knowledgePoint: 'knowledgePoint',
  difficulty: 'difficulty',
  score: 'score',
  explanation: 'explanation',
};

/** A row of the sheet as text, by column; sourceRow is the sheet's row number. */
export type RawQuestionRow = Partial<Record<SheetColumn, string>> & { sourceRow: number };

export type QuestionFileResult =
  { ok: true; rows: RawQuestionRow[] } | { ok: false; problem: SpreadsheetProblem };

const invalid = invalidSpreadsheet;
const notASpreadsheet = () =>
  invalid(
    'NOT_A_SPREADSHEET',
    '文件无法识别为 .xlsx 表格；请用题库模板填写后另存为 .xlsx',
    'The file is not a readable .xlsx workbook; fill in the question template and save it as .xlsx',
  );

const HEADER_INDEX = new Map<string, SheetColumn>(
  SHEET_COLUMNS.flatMap((c) =>
    [COLUMN_LABELS[c].zh, COLUMN_LABELS[c].en, headerOf(c), c].map((n) => [normalizeHeader(n), c] as const),
  ),
);

function cellText(cell: Cell): string {
  if (cell.type === ValueType.Number && typeof cell.value === 'number') return String(cell.value);
  if (cell.type === ValueType.Boolean) return cell.value ? TRUE_LABEL.zh : FALSE_LABEL.zh;
  return cell.text;
}

/** Example rows of the template (序号 "示例 Example") are skipped by the import. */
const isExample = (no: string | undefined) => !!no && /^(示例|example)/i.test(no.trim());

function readSheet(sheet: Worksheet): QuestionFileResult | 'no-header' {
  const last = Math.min(HEADER_SEARCH_ROWS, sheet.rowCount);
  for (let r = 1; r <= last; r += 1) {
    const columns = headerColumns(sheet.getRow(r), r, HEADER_INDEX, COLUMN_LABELS, REQUIRED_COLUMNS);
    if (columns === null) continue;
    if (!(columns instanceof Map)) return columns;
    const rows: RawQuestionRow[] = [];
    for (let n = r + 1; n <= sheet.rowCount; n += 1) {
      const cells = sheet.getRow(n);
      const row: RawQuestionRow = { sourceRow: n };
      let blank = true;
      for (const [col, c] of columns) {
        const v = cellText(cells.getCell(c)).trim();
        if (v === '') continue;
        row[col] = v;
        if (col !== 'no') blank = false;
      }
      if (blank || isExample(row.no)) continue;
      if (rows.length === MAX_QUESTION_ROWS)
        return invalid(
          'TOO_MANY_ROWS',
          `一次最多导入 ${MAX_QUESTION_ROWS} 道题，请拆分文件`,
          `At most ${MAX_QUESTION_ROWS} questions per file; split the file`,
        );
      rows.push(row);
    }
    if (rows.length === 0)
      return invalid(
        'EMPTY',
        '表头下面没有题目（示例行不导入）',
        'There are no questions below the header (example rows are not imported)',
      );
    return { ok: true, rows };
  }
  return 'no-header';
}

/**
 * SEC-2 / QM-2: reads an uploaded question workbook into raw rows, bounded like a roster upload
 * (size, inflated size, entries, rows, cells counted before exceljs builds anything). Never throws.
 */
export async function parseQuestionFile(data: Uint8Array): Promise<QuestionFileResult> {
  try {
    if (data.length === 0) return invalid('EMPTY', '文件是空的', 'The file is empty');
    if (data.length > MAX_FILE_BYTES)
      return invalid(
        'TOO_LARGE',
        `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB`,
        `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`,
      );
    const workbook = await loadBoundedWorkbook(data);
    if (!(workbook instanceof Workbook)) {
      if (workbook === 'TOO_LARGE')
        return invalid('TOO_LARGE', '表格内容过大，无法处理', 'The spreadsheet is too large to process');
      if (workbook === 'NOT_A_SPREADSHEET') return notASpreadsheet();
      return invalid(
        'TOO_MANY_CELLS',
        `表格超过 ${MAX_SHEET_CELLS} 个单元格或 ${MAX_SHEET_ROWS} 行，请删去题目以外的内容`,
        `The spreadsheet has more than ${MAX_SHEET_CELLS} cells or ${MAX_SHEET_ROWS} rows; remove what is not a question`,
      );
    }
    let sawContent = false;
    for (const sheet of workbook.worksheets) {
      if (sheet.state !== 'visible') continue;
      if (sheet.actualRowCount > 0) sawContent = true;
      const result = readSheet(sheet);
      if (result !== 'no-header') return result;
    }
    if (!sawContent) return invalid('EMPTY', '文件是空的', 'The file is empty');
    return invalid(
      'NO_HEADER',
      `找不到表头：第一行应为列名（${REQUIRED_COLUMNS.map((c) => COLUMN_LABELS[c].zh).join('、')} 等）`,
      `No header row found: the first row should name the columns (${REQUIRED_COLUMNS.map((c) => COLUMN_LABELS[c].en).join(', ')}, …)`,
    );
  } catch {
    return notASpreadsheet();
  }
}

/** A problem with one cell of the import, named by its row and its column's header. */
export interface QuestionRowError {
  row: number;
  field: string;
  column: string;
  columnEn: string;
  code: string;
  zh: string;
  en: string;
}

const cellError = (row: number, col: SheetColumn, code: string, zh: string, en: string): QuestionRowError => {
  const l = COLUMN_LABELS[col];
  return {
    row,
    field: col,
    column: l.zh,
    columnEn: l.en,
    code,
    zh: `第 ${row} 行“${l.zh}”：${zh}`,
    en: `Row ${row}, "${l.en}": ${en}`,
  };
};

const TYPE_NAMES = new Map<string, QuestionType>(
  QUESTION_TYPES.flatMap((t) =>
    [
      t,
      QUESTION_TYPE_LABELS[t].zh,
      QUESTION_TYPE_LABELS[t].en,
      `${QUESTION_TYPE_LABELS[t].zh} ${QUESTION_TYPE_LABELS[t].en}`,
      QUESTION_TYPE_LABELS[t].zh.replace('题', ''),
    ].map((n) => [normalizeHeader(n), t] as const),
  ),
);
const TRUE_WORDS = ['正确', '对', '是', '√', 't', 'true', 'y', 'yes', '正确true'];
const FALSE_WORDS = ['错误', '错', '否', '×', 'x', 'f', 'false', 'n', 'no', '错误false'];
/** Answers and synonyms in one cell are separated by | or ；(full- or half-width). */
const splitList = (s: string | undefined) =>
  (s ?? '')
    .normalize('NFKC')
    .split(/[|;]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** Checks every row; all of them or none are imported. */
export function validateQuestionRows(
  rows: readonly RawQuestionRow[],
): { ok: true; questions: CheckedQuestion[] } | { ok: false; errors: QuestionRowError[] } {
  const errors: QuestionRowError[] = [];
  const questions: CheckedQuestion[] = [];
  for (const raw of rows) {
    const row = raw.sourceRow;
    const before = errors.length;
    const type = TYPE_NAMES.get(normalizeHeader(raw.type ?? ''));
    if (!raw.type) {
      errors.push(cellError(row, 'type', 'REQUIRED', '不能为空', 'is required'));
      continue;
    }
    if (!type) {
      errors.push(
        cellError(
          row,
          'type',
          'QUESTION_TYPE',
          `“${raw.type}”不是题型，应为单选题、多选题、判断题、填空题或简答题`,
          `"${raw.type}" is not a type; use single choice, multiple choice, true/false, fill-in or short answer`,
        ),
      );
      continue;
    }
    const number = (col: 'difficulty' | 'score', integer: boolean): number => {
      const text = (raw[col] ?? '').normalize('NFKC');
      const n = integer ? Number((/^\s*([1-5])(?:\s.*)?$/.exec(text) ?? [])[1] ?? NaN) : Number(text);
      if (text === '') errors.push(cellError(row, col, 'REQUIRED', '不能为空', 'is required'));
      else if (!Number.isFinite(n))
        errors.push(
          cellError(
            row,
            col,
            'NOT_A_NUMBER',
            integer ? `“${text}”应为 1 到 5 的整数` : `“${text}”不是数字`,
            integer ? `"${text}" must be a whole number from 1 to 5` : `"${text}" is not a number`,
          ),
        );
      return n;
    };
    const difficulty = number('difficulty', true);
    const score = number('score', false);
    for (const col of ['chapter', 'stem', 'answer'] as const)
      if (!raw[col] && !(col === 'answer' && type === 'short_answer'))
        errors.push(cellError(row, col, 'REQUIRED', '不能为空', 'is required'));
    const answerCell = (raw.answer ?? '').trim();
    const body: QuestionBody = {
      type,
      stem: raw.stem ?? '',
      chapter: raw.chapter ?? '',
      knowledgePoint: raw.knowledgePoint ?? '',
      difficulty,
      score,
      explanation: raw.explanation ?? '',
      options: SHEET_OPTION_KEYS.flatMap((k) => {
        const text = raw[`option${k}`];
        return text ? [{ key: k, text }] : [];
      }),
      answer: {},
    };
    if (isChoice(type)) {
      body.answer.keys = [
        ...answerCell
          .normalize('NFKC')
          .toUpperCase()
          .replace(/[^A-Z]/g, ''),
      ];
      if (answerCell !== '' && body.answer.keys.length === 0)
        errors.push(
          cellError(
            row,
            'answer',
            'ANSWER_NOT_AN_OPTION',
            `“${answerCell}”应为选项字母，如 A 或 AC`,
            `"${answerCell}" must be option letters such as A or AC`,
          ),
        );
    } else if (type === 'true_false') {
      const w = normalizeHeader(answerCell);
      if (TRUE_WORDS.includes(w)) body.answer.value = true;
      else if (FALSE_WORDS.includes(w)) body.answer.value = false;
      else if (answerCell !== '')
        errors.push(
          cellError(
            row,
            'answer',
            'TRUE_FALSE',
            `“${answerCell}”应为“正确”或“错误”`,
            `"${answerCell}" must be true or false (正确 / 错误)`,
          ),
        );
    } else if (type === 'fill_in') {
      body.answer.accepted = splitList(answerCell);
      body.answer.synonyms = splitList(raw.synonyms);
    } else body.answer.reference = answerCell;
    if (raw.synonyms && type !== 'fill_in')
      errors.push(
        cellError(
          row,
          'synonyms',
          'ANSWER_SHAPE',
          '只有填空题才有同义答案',
          'only fill-in questions have synonyms',
        ),
      );
    if (errors.length > before) continue;
    const checked = checkQuestion(body);
    if (!checked.ok) {
      for (const p of checked.problems) {
        const col = COLUMN_OF_FIELD[p.field];
        errors.push(cellError(row, col, p.code, p.zh, p.en));
      }
      continue;
    }
    questions.push(checked.value);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, questions };
}

/** The cells of one question, by column (the export and the template's example rows). */
export function questionCells(q: CheckedQuestion, no: string): Record<SheetColumn, string | number> {
  const answer = isChoice(q.type)
    ? (q.answer.keys ?? []).join('')
    : q.type === 'true_false'
      ? (q.answer.value ? TRUE_LABEL : FALSE_LABEL).zh
      : q.type === 'fill_in'
        ? (q.answer.accepted ?? []).join('|')
        : (q.answer.reference ?? '');
  const cells = {
    no,
    type: QUESTION_TYPE_LABELS[q.type].zh,
    chapter: q.chapter,
    knowledgePoint: q.knowledgePoint,
    difficulty: q.difficulty,
    score: q.score,
    stem: q.stem,
    answer,
    synonyms: q.type === 'fill_in' ? (q.answer.synonyms ?? []).join('|') : '',
    explanation: q.explanation,
  } as Record<SheetColumn, string | number>;
  for (const k of SHEET_OPTION_KEYS) cells[`option${k}`] = q.options.find((o) => o.key === k)?.text ?? '';
  return cells;
}

/** One example per type, shown in the template (序号 "示例 Example": not imported). */
export const TEMPLATE_EXAMPLES: readonly CheckedQuestion[] = [
  {
    type: 'single',
    stem: '船舶在能见度不良时应当使用何种航速？',
    options: [
      { key: 'A', text: '最高航速 Full speed' },
      { key: 'B', text: '安全航速 Safe speed' },
      { key: 'C', text: '经济航速 Economic speed' },
      { key: 'D', text: '任意航速 Any speed' },
    ],
    answer: { keys: ['B'] },
    chapter: '第一章 避碰规则',
    knowledgePoint: '安全航速',
    difficulty: 2,
    score: 2,
    explanation: '《国际海上避碰规则》第 6 条和第 19 条。',
  },
  {
    type: 'multiple',
    stem: '下列哪些属于船舶应急设备？',
    options: [
      { key: 'A', text: '救生艇 Lifeboat' },
      { key: 'B', text: '消防泵 Fire pump' },
      { key: 'C', text: '厨房冰箱 Galley fridge' },
      { key: 'D', text: '应急发电机 Emergency generator' },
    ],
    answer: { keys: ['A', 'B', 'D'] },
    chapter: '第二章 船舶安全',
    knowledgePoint: '应急设备',
    difficulty: 3,
    score: 4,
    explanation: '救生、消防和应急电源设备均属应急设备。',
  },
  {
    type: 'true_false',
    stem: '船舶在狭水道航行时应尽量靠近航道右侧。',
    options: [],
    answer: { value: true },
    chapter: '第一章 避碰规则',
    knowledgePoint: '狭水道',
    difficulty: 1,
    score: 1,
    explanation: '《国际海上避碰规则》第 9 条。',
  },
  {
    type: 'fill_in',
    stem: '船舶在锚地停泊的作业称为____。',
    options: [],
    answer: { accepted: ['锚泊'], synonyms: ['抛锚', 'anchoring'] },
    chapter: '第三章 船艺',
    knowledgePoint: '锚泊',
    difficulty: 2,
    score: 2,
    explanation: '',
  },
  {
    type: 'short_answer',
    stem: '简述弃船时船员应采取的主要步骤。',
    options: [],
    answer: { reference: '听从弃船信号，穿好救生衣，到集合站集合，按部署登乘救生艇筏。' },
    chapter: '第二章 船舶安全',
    knowledgePoint: '弃船',
    difficulty: 4,
    score: 10,
    explanation: '简答题由阅卷人评分。',
  },
];

const NOTES: readonly [string, string][] = [
  ['题库导入说明', 'How to fill in the question template'],
  [
    '每行一道题；“序号”为“示例”的行不会导入，可保留或删除。',
    'One question a row; rows whose No. is "示例 Example" are not imported.',
  ],
  [
    '题型：单选题、多选题、判断题、填空题、简答题。',
    'Type: 单选题 single, 多选题 multiple, 判断题 true/false, 填空题 fill-in, 简答题 short answer.',
  ],
  [
    '难度：1（很容易）到 5（很难）的整数。分值：大于 0，最多一位小数。',
    'Difficulty: a whole number 1 (very easy) to 5 (very hard). Score: above 0, at most one decimal.',
  ],
  [
    '选择题：至少两个选项（选项A 至 选项F）；答案填选项字母，单选题一个（如 B），多选题可多个（如 ABD）。',
    'Choice: at least two options (A–F); the answer is option letters, one for single choice (B), one or more for multiple choice (ABD).',
  ],
  ['判断题：答案填“正确”或“错误”。', 'True/false: the answer is 正确 (true) or 错误 (false).'],
  [
    '填空题：答案填标准答案，多个用 | 分隔；“同义答案”列填其他可接受的写法（全角半角、大小写、空格不计）。',
    'Fill-in: accepted answers separated by |; other accepted wordings in Synonyms (width, case and spaces are ignored when marking).',
  ],
  ['简答题：答案填参考答案，由阅卷人评分。', 'Short answer: a reference answer; marked by hand.'],
  [
    '导入时逐行检查，任何一行有错则全部不导入，并列出每个错误的行号和列名。',
    'Every row is checked; if any row has an error nothing is imported, and each error names its row and column.',
  ],
];

function addBankSheet(wb: Workbook, rows: Record<SheetColumn, string | number>[]): Worksheet {
  const sheet = wb.addWorksheet('题库 Questions');
  sheet.addRow(SHEET_COLUMNS.map(headerOf));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(SHEET_COLUMNS.map((c) => r[c]));
  SHEET_COLUMNS.forEach((c, i) => {
    sheet.getColumn(i + 1).width =
      c === 'stem' || c === 'explanation' ? 40 : c.startsWith('option') ? 22 : 14;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return sheet;
}

/** QM-2: the template: zh-CN headers with English beside, one example row per type, a notes sheet. */
export async function buildQuestionTemplate(): Promise<Buffer> {
  const wb = new Workbook();
  addBankSheet(
    wb,
    TEMPLATE_EXAMPLES.map((q) => questionCells(q, '示例 Example')),
  );
  const notes = wb.addWorksheet('说明 Notes');
  notes.getColumn(1).width = 80;
  notes.getColumn(2).width = 80;
  for (const [zh, en] of NOTES) notes.addRow([zh, en]);
  notes.getRow(1).font = { bold: true };
  notes.addRow([]);
  notes.addRow(['难度 Difficulty', '']);
  for (const [n, l] of Object.entries(QUESTION_DIFFICULTY_LABELS)) notes.addRow([`${n}：${l.zh}`, l.en]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** QM-2: the bank of an item as the same sheet (imports again as it is). */
export async function buildQuestionExport(questions: readonly CheckedQuestion[]): Promise<Buffer> {
  const wb = new Workbook();
  addBankSheet(
    wb,
    questions.map((q, i) => questionCells(q, String(i + 1))),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
