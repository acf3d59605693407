import { Readable } from 'node:stream';
import { ValueType, Workbook, type Cell, type Row, type Worksheet, type XlsxReadOptions } from 'exceljs';
import { boundedUnzip, countSheetMarkup, storedZip } from './bounded-unzip';
import type { Problem } from './problem';
import {
  EDUCATION_LABELS,
  FIELD_LABELS,
  fileError,
  ID_TYPE_LABELS,
  REQUIRED_FIELDS,
  ROSTER_FIELDS,
  validateRosterRows,
  type RawRow,
  type RawValue,
  type RosterCheckOptions,
  type RosterCheckResult,
  type RosterField,
} from './roster-row';

/** SEC-2: a roster upload is bounded before any of it is believed. */
export const MAX_ROSTER_ROWS = 1000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
// What an .xlsx may inflate to, counted while inflating: stops a small file that inflates to gigabytes.
const MAX_UNZIPPED_BYTES = 50 * 1024 * 1024;
// Parts of an .xlsx: a roster workbook has a dozen or two.
const MAX_ZIP_ENTRIES = 1000;
// Physical rows/columns exceljs will parse: blank but formatted rows count, so well above 1000.
export const MAX_SHEET_ROWS = 10_000;
export const MAX_SHEET_COLUMNS = 200;
// Cells in the whole file, counted before any parsing: 10,000 rows of 20 columns. A full roster has
// about 10,000; 9,999 × 200 cells (a 79 KB file) took exceljs 4 s and hundreds of MB.
export const MAX_SHEET_CELLS = 200_000;
// A title line or two ("XX 培训班学员名单") often sits above the header.
const HEADER_SEARCH_ROWS = 10;

export type SpreadsheetReason =
  | 'TOO_LARGE'
  | 'NOT_A_SPREADSHEET'
  | 'LEGACY_XLS'
  | 'ENCODING'
  | 'EMPTY'
  | 'NO_HEADER'
  | 'MISSING_COLUMNS'
  | 'DUPLICATE_COLUMN'
  | 'TOO_MANY_ROWS'
  | 'TOO_MANY_COLUMNS'
  | 'TOO_MANY_CELLS'
  /** Reading it took more time or memory than an import may use (see shared/parse-pool). */
  | 'TOO_COMPLEX';

/** `reason` says which of the file-level failures it is, for tests and for the UI's help link. */
export interface SpreadsheetProblem extends Problem<'SPREADSHEET_INVALID'> {
  reason: SpreadsheetReason;
}

export type RosterFileResult =
  | { ok: true; rows: RawRow[]; format: 'xlsx' | 'csv'; encoding?: 'utf-8' | 'gb18030' }
  | { ok: false; problem: SpreadsheetProblem };

/** A file-level refusal of an imported spreadsheet (the roster's and the question bank's). */
export const invalidSpreadsheet = (
  reason: SpreadsheetReason,
  zh: string,
  en: string,
): { ok: false; problem: SpreadsheetProblem } => ({
  ok: false,
  problem: { code: 'SPREADSHEET_INVALID', reason, zh, en },
});
const invalid = invalidSpreadsheet;

const SAVE_AS = {
  zh: '请用模板填写后另存为 .xlsx 或 CSV UTF-8 文件',
  en: 'fill in the template and save it as .xlsx or CSV UTF-8',
};
const notASpreadsheet = () =>
  invalid(
    'NOT_A_SPREADSHEET',
    `文件无法识别为 .xlsx 或 .csv 表格；${SAVE_AS.zh}`,
    `The file is not a readable .xlsx or .csv spreadsheet; ${SAVE_AS.en}`,
  );

/** Header names people actually write, compared after normalizeHeader. */
const HEADER_NAMES: Record<RosterField, readonly string[]> = {
  name: ['姓名', 'name'],
  idType: ['证件类型', 'idType'],
  idNumber: ['证件号码', '身份证号', '身份证号码', 'idNumber'],
  phone: ['手机', '手机号', '手机号码', 'phone'],
  education: ['学历', 'education'],
  serviceMonths: ['海上服务月数', 'serviceMonths'],
  currentCertificate: ['现持证书', 'currentCertificate'],
  certificateNumber: ['证书编号', 'certificateNumber'],
  lastVessel: ['最近服务船舶', 'lastVessel'],
};

/** "手机号（必填）", "* 姓名", "No." and "ID Number" are the same headers as 手机号, 姓名, no and idNumber. */
export const normalizeHeader = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/\(.*?\)/g, '')
    .replace(/[\s*_\-:.]/g, '')
    .toLowerCase();

/**
 * The columns header row `r` names, by the field each known header stands for (unknown headers such as
 * 序号 or 备注 are ignored): null when it names none (a title line above the header), a refusal when a
 * field is named twice or a required one is missing.
 */
export function headerColumns<F extends string>(
  header: Row,
  r: number,
  index: ReadonlyMap<string, F>,
  labels: Readonly<Record<F, { zh: string; en: string }>>,
  required: readonly F[],
): Map<F, number> | null | { ok: false; problem: SpreadsheetProblem } {
  const columns = new Map<F, number>();
  for (let c = 1; c <= header.cellCount; c += 1) {
    const field = index.get(normalizeHeader(header.getCell(c).text));
    if (!field) continue;
    if (columns.has(field))
      return invalid(
        'DUPLICATE_COLUMN',
        `第 ${r} 行有两列都是“${labels[field].zh}”，请删去一列`,
        `Row ${r} has two "${labels[field].en}" columns; delete one`,
      );
    columns.set(field, c);
  }
  if (columns.size === 0) return null;
  const missing = required.filter((field) => !columns.has(field));
  if (missing.length > 0)
    return invalid(
      'MISSING_COLUMNS',
      `表头缺少必填列：${missing.map((f) => labels[f].zh).join('、')}`,
      `The header lacks required columns: ${missing.map((f) => labels[f].en).join(', ')}`,
    );
  return columns;
}

// The bilingual headers of the filing package's roster sheet ("证件号码 ID number") are read too.
const HEADER_INDEX = new Map<string, RosterField>(
  ROSTER_FIELDS.flatMap((field) =>
    [...HEADER_NAMES[field], `${FIELD_LABELS[field].zh} ${FIELD_LABELS[field].en}`].map(
      (name) => [normalizeHeader(name), field] as const,
    ),
  ),
);

const startsWith = (data: Uint8Array, bytes: number[]) => bytes.every((b, i) => data[i] === b);
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // 'PK\x03\x04'
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // .xls, and password-protected .xlsx
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * What the row carries for one cell. Numbers stay numbers so that an ID number Excel stored as a number
 * can be recognised as already damaged (see roster-row); everything else is the text the user sees.
 */
function cellValue(cell: Cell): RawValue {
  if (cell.type === ValueType.Number && typeof cell.value === 'number') return cell.value;
  if (cell.type === ValueType.Formula && typeof cell.result === 'number') return cell.result;
  return cell.text;
}

type SheetRows = { ok: true; rows: RawRow[] } | { ok: false; problem: SpreadsheetProblem };

function readSheet(sheet: Worksheet): SheetRows | 'no-header' {
  const lastHeaderRow = Math.min(HEADER_SEARCH_ROWS, sheet.rowCount);
  for (let r = 1; r <= lastHeaderRow; r += 1) {
    const columns = headerColumns(sheet.getRow(r), r, HEADER_INDEX, FIELD_LABELS, REQUIRED_FIELDS);
    if (columns === null) continue;
    if (!(columns instanceof Map)) return columns;

    const rows: RawRow[] = [];
    for (let n = r + 1; n <= sheet.rowCount; n += 1) {
      const cells = sheet.getRow(n);
      const row: RawRow = { sourceRow: n };
      let blank = true;
      for (const [field, c] of columns) {
        const value = cellValue(cells.getCell(c));
        if (value === '' || value === null || value === undefined) continue;
        if (typeof value === 'string' && value.trim() === '') continue;
        row[field] = value;
        blank = false;
      }
      if (blank) continue; // blank lines between trainees are not rows the user meant
      if (rows.length === MAX_ROSTER_ROWS) return tooManyRows();
      rows.push(row);
    }
    if (rows.length === 0)
      return invalid('EMPTY', '表头下面没有学员数据', 'There are no trainees below the header row');
    return { ok: true, rows };
  }
  return 'no-header';
}

const tooManyRows = () =>
  invalid(
    'TOO_MANY_ROWS',
    `一次最多导入 ${MAX_ROSTER_ROWS} 名学员，请拆分文件`,
    `At most ${MAX_ROSTER_ROWS} trainees per file; split the file`,
  );
const tooManyColumns = () =>
  invalid(
    'TOO_MANY_COLUMNS',
    `表格超过 ${MAX_SHEET_COLUMNS} 列，请只保留名册的列`,
    `The sheet has more than ${MAX_SHEET_COLUMNS} columns; keep only the roster's columns`,
  );
const tooManyCells = () =>
  invalid(
    'TOO_MANY_CELLS',
    `表格超过 ${MAX_SHEET_CELLS} 个单元格，请删去名册以外的行和列`,
    `The spreadsheet has more than ${MAX_SHEET_CELLS} cells; delete the rows and columns that are not part of the roster`,
  );
const tooLarge = () =>
  invalid('TOO_LARGE', '表格内容过大，无法处理', 'The spreadsheet is too large to process');

/** SEC-2: the refusal when reading a file ran out of its time or memory budget. */
export function tooComplex(limit: 'time' | 'memory', seconds: number): SpreadsheetProblem {
  const [zh, en] =
    limit === 'time'
      ? [`未能在 ${seconds} 秒内读完`, `could not be read within ${seconds} s`]
      : ['读取所需内存超出限制', 'needs more memory to read than an import may use'];
  return {
    code: 'SPREADSHEET_INVALID',
    reason: 'TOO_COMPLEX',
    zh: `表格过于复杂，${zh}；请删去名册以外的内容，或拆分文件`,
    en: `The spreadsheet is too complex: it ${en}; remove what is not part of the roster, or split the file`,
  };
}

/**
 * Records and fields of CSV text, counted (quote-aware, without building anything) until a bound is
 * passed: a 4.8 MB file of 16,000 columns took exceljs seconds to refuse.
 */
function csvShape(text: string, delimiter: string): 'rows' | 'columns' | 'cells' | undefined {
  const DELIM = delimiter.charCodeAt(0);
  const QUOTE = 0x22;
  const LF = 0x0a;
  const CR = 0x0d;
  let quoted = false;
  let fields = 1;
  let content = false; // the record so far holds more than an empty line
  let records = 0;
  let cells = 0;
  const endRecord = () => {
    if (content) {
      records += 1;
      cells += fields;
    }
    fields = 1;
    content = false;
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      quoted = !quoted;
      content = true;
    } else if (quoted) continue;
    else if (ch === DELIM) {
      fields += 1;
      content = true;
      if (fields > MAX_SHEET_COLUMNS) return 'columns';
    } else if (ch === LF) {
      endRecord();
      if (records > MAX_SHEET_ROWS) return 'rows';
      if (cells > MAX_SHEET_CELLS) return 'cells';
    } else if (ch !== CR) content = true;
  }
  endRecord();
  if (records > MAX_SHEET_ROWS) return 'rows';
  if (cells > MAX_SHEET_CELLS) return 'cells';
  return undefined;
}

function readWorkbook(workbook: Workbook): SheetRows {
  let sawContent = false;
  for (const sheet of workbook.worksheets) {
    if (sheet.state !== 'visible') continue; // hidden sheets hold drop-down lists, not trainees
    if (sheet.actualRowCount > 0) sawContent = true;
    const result = readSheet(sheet);
    if (result !== 'no-header') return result;
  }
  if (!sawContent) return invalid('EMPTY', '文件是空的', 'The file is empty');
  return invalid(
    'NO_HEADER',
    `找不到表头：第一行应为列名（${REQUIRED_FIELDS.map((f) => FIELD_LABELS[f].zh).join('、')} 等）`,
    `No header row found: the first row should name the columns (${REQUIRED_FIELDS.map((f) => FIELD_LABELS[f].en).join(', ')}, …)`,
  );
}

/**
 * Excel on Chinese Windows saves "CSV" in the ANSI code page (GBK, which GB18030 contains); "CSV UTF-8"
 * and most other tools write UTF-8. Text that is valid UTF-8 is taken as UTF-8: GBK text with Chinese in
 * it practically never is.
 */
function decodeCsv(data: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } | undefined {
  if (startsWith(data, UTF8_BOM)) data = data.subarray(3);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(data), encoding: 'utf-8' };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(data), encoding: 'gb18030' };
    } catch {
      return undefined; // neither, or a Node built without full ICU
    }
  }
}

/** Comma unless the first line is clearly tab- or semicolon-separated (European-locale Excel). */
function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const [best] = [',', '\t', ';'].sort((a, b) => count(b) - count(a));
  return best && count(best) > 0 ? best : ',';
}

async function readCsv(data: Uint8Array): Promise<RosterFileResult> {
  if (startsWith(data, [0xff, 0xfe]) || startsWith(data, [0xfe, 0xff]))
    return invalid(
      'ENCODING',
      '不支持 UTF-16（“Unicode 文本”）编码的文件，请另存为 .xlsx 或 CSV UTF-8',
      'UTF-16 ("Unicode text") files are not supported; save as .xlsx or CSV UTF-8',
    );
  if (data.includes(0)) return notASpreadsheet(); // text files never contain NUL bytes; binaries do
  const decoded = decodeCsv(data);
  if (!decoded)
    return invalid(
      'ENCODING',
      '无法识别文件的文字编码，请另存为 .xlsx 或 CSV UTF-8',
      'The text encoding is not recognised; save as .xlsx or CSV UTF-8',
    );
  if (decoded.text.trim() === '') return invalid('EMPTY', '文件是空的', 'The file is empty');
  const delimiter = sniffDelimiter(decoded.text);
  const over = csvShape(decoded.text, delimiter);
  if (over === 'rows') return tooManyRows();
  if (over === 'columns') return tooManyColumns();
  if (over === 'cells') return tooManyCells();
  const workbook = new Workbook();
  // map keeps every value as the text in the file: exceljs would otherwise turn 320102199001011234 into
  // a lossy number and "1990-01-01" into a Date.
  const sheet = await workbook.csv.read(Readable.from([decoded.text]), {
    map: (value: unknown) => value,
    parserOptions: { delimiter },
  });
  if (sheet.rowCount > MAX_SHEET_ROWS) return tooManyRows();
  const result = readWorkbook(workbook);
  return result.ok ? { ...result, format: 'csv', encoding: decoded.encoding } : result;
}

/** Why an uploaded workbook was not loaded (each import words it for its own file). */
export type WorkbookRefusal =
  'TOO_LARGE' | 'NOT_A_SPREADSHEET' | 'TOO_MANY_ROWS' | 'TOO_MANY_COLUMNS' | 'TOO_MANY_CELLS';

/**
 * SEC-2: an uploaded .xlsx loaded within the import limits (the roster's and the question bank's):
 * inflated by counting the bytes it really inflates, measured (rows, cells) on the inflated markup
 * before exceljs builds an object per cell, and only then handed to exceljs.
 */
export async function loadBoundedWorkbook(data: Uint8Array): Promise<Workbook | WorkbookRefusal> {
  const unzipped = boundedUnzip(data, { maxBytes: MAX_UNZIPPED_BYTES, maxEntries: MAX_ZIP_ENTRIES });
  if (!unzipped.ok) return unzipped.reason === 'TOO_LARGE' ? 'TOO_LARGE' : 'NOT_A_SPREADSHEET';
  let cells = 0;
  for (const entry of unzipped.entries) {
    if (!entry.name.endsWith('.xml')) continue;
    const counted = countSheetMarkup(entry.data);
    if (counted.rows > MAX_SHEET_ROWS) return 'TOO_MANY_ROWS';
    cells += counted.cells;
    if (cells > MAX_SHEET_CELLS) return 'TOO_MANY_CELLS';
  }
  const workbook = new Workbook();
  const options = {
    // exceljs expands every data validation range cell by cell: a drop-down on a whole column
    // (E2:E1048576, common in templates) costs a million entries per column; five such columns took
    // ~9 s and ~570 MB on Node 20. Drop-downs are not needed to read values.
    ignoreNodes: ['dataValidations', 'conditionalFormatting'],
    // Not in exceljs's type definitions, but honoured by its worksheet parser (lib/xlsx/xform/sheet).
    maxRows: MAX_SHEET_ROWS,
    maxCols: MAX_SHEET_COLUMNS,
  } as Partial<XlsxReadOptions>;
  try {
    // exceljs (JSZip) gets a stored zip of the entries inflated above, never the upload itself: it
    // reads only bytes whose real size is known. exceljs's typings ask for "Buffer" but mean their own
    // ArrayBuffer-shaped interface; a Buffer from Buffer.concat may share a larger pool, so copy exactly.
    const zip = storedZip(unzipped.entries);
    const bytes = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
    await workbook.xlsx.load(bytes, options);
  } catch (e) {
    if (e instanceof Error && /^Max row count/.test(e.message)) return 'TOO_MANY_ROWS';
    if (e instanceof Error && /^Max column count/.test(e.message)) return 'TOO_MANY_COLUMNS';
    return 'NOT_A_SPREADSHEET';
  }
  if (workbook.worksheets.length === 0) return 'NOT_A_SPREADSHEET'; // a zip, but not a workbook
  return workbook;
}

async function readXlsx(data: Uint8Array): Promise<RosterFileResult> {
  const workbook = await loadBoundedWorkbook(data);
  if (!(workbook instanceof Workbook))
    return {
      TOO_LARGE: tooLarge,
      NOT_A_SPREADSHEET: notASpreadsheet,
      TOO_MANY_ROWS: tooManyRows,
      TOO_MANY_COLUMNS: tooManyColumns,
      TOO_MANY_CELLS: tooManyCells,
    }[workbook]();
  const result = readWorkbook(workbook);
  return result.ok ? { ...result, format: 'xlsx' } : result;
}

/**
 * SEC-2: reads an uploaded roster (.xlsx, or CSV in UTF-8 or GB18030) into raw rows. Whatever the bytes,
 * it answers with rows or a SPREADSHEET_INVALID problem; it does not throw.
 */
export async function parseRosterFile(data: Uint8Array): Promise<RosterFileResult> {
  try {
    if (data.length === 0) return invalid('EMPTY', '文件是空的', 'The file is empty');
    if (data.length > MAX_FILE_BYTES)
      return invalid(
        'TOO_LARGE',
        `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB`,
        `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`,
      );
    if (startsWith(data, ZIP_MAGIC)) return await readXlsx(data);
    if (startsWith(data, OLE_MAGIC))
      return invalid(
        'LEGACY_XLS',
        '不支持旧版 .xls 或加密的表格，请去掉密码并另存为 .xlsx',
        'Old .xls and password-protected workbooks are not supported; remove the password and save as .xlsx',
      );
    return await readCsv(data);
  } catch {
    // exceljs and fast-csv fail on broken input in ways nobody enumerates; all of them mean "bad file".
    return notASpreadsheet();
  }
}

/** Reads and checks an upload in one step; a broken file comes back as one row-0 error. */
export async function validateRosterFile(
  data: Uint8Array,
  opts: RosterCheckOptions,
): Promise<RosterCheckResult> {
  const file = await parseRosterFile(data);
  if (!file.ok) {
    const { code, zh, en } = file.problem;
    return { ok: false, errors: [fileError(code, zh, en)] };
  }
  return validateRosterRows(file.rows, opts);
}

const TEMPLATE_ROWS = 1000;
const COLUMN_WIDTHS: Record<RosterField, number> = {
  name: 12,
  idType: 24,
  idNumber: 22,
  phone: 15,
  education: 12,
  serviceMonths: 14,
  currentCertificate: 24,
  certificateNumber: 20,
  lastVessel: 20,
};
// Columns Excel would otherwise turn into numbers; ID numbers would lose their last digits.
const TEXT_COLUMNS: readonly RosterField[] = ['idNumber', 'phone', 'certificateNumber'];

/** The blank roster the institution downloads: Chinese headers, text-formatted ID column, drop-downs. */
export async function buildRosterTemplate(): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('学员名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ROSTER_FIELDS.map((field) => ({
    header: FIELD_LABELS[field].zh,
    key: field,
    width: COLUMN_WIDTHS[field],
    ...(TEXT_COLUMNS.includes(field) ? { style: { numFmt: '@' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };

  const list = (labels: Record<string, readonly string[]>) =>
    `"${Object.values(labels)
      .map((names) => names[0])
      .join(',')}"`;
  const dropDowns: [RosterField, string][] = [
    ['idType', list(ID_TYPE_LABELS)],
    ['education', list(EDUCATION_LABELS)],
  ];
  for (const [field, formula] of dropDowns) {
    const column = ROSTER_FIELDS.indexOf(field) + 1;
    for (let r = 2; r <= TEMPLATE_ROWS + 1; r += 1)
      sheet.getCell(r, column).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        errorTitle: FIELD_LABELS[field].zh,
        error: '请从下拉列表中选择',
      };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
