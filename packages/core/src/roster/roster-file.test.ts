import { Workbook, type DataValidation, type Worksheet } from 'exceljs';
import { computeCheckDigit } from './id-number';
import {
  MAX_FILE_BYTES,
  MAX_ROSTER_ROWS,
  MAX_SHEET_CELLS,
  MAX_SHEET_COLUMNS,
  buildRosterTemplate,
  parseRosterFile,
  validateRosterFile,
  type RosterFileResult,
} from './roster-file';
import { validateRosterRows } from './roster-row';

const TODAY = '2026-06-15';
const withCheck = (first17: string) => first17 + computeCheckDigit(first17);
const ID_A = withCheck('32010219900101123');
const ID_B = withCheck('32058219851120004');
const ID_X = '11010519491231002X';
const HEADER = [
  '姓名',
  '证件类型',
  '证件号码',
  '手机号',
  '学历',
  '海上服务月数',
  '现持证书',
  '证书编号',
  '最近服务船舶',
];
const ROW_A = ['张三', '居民身份证', ID_A, '13812345678', '高中', '24', '值班水手', 'JS001', '苏海 1'];
const ROW_B = ['李四', '身份证', ID_B, '13912345678', '本科', '', '', '', ''];

/** Test spreadsheets are generated here rather than committed as binary fixtures. */
async function xlsx(
  rows: unknown[][],
  setup?: (sheet: Worksheet, workbook: Workbook) => void,
): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('名单');
  for (const values of rows) sheet.addRow(values);
  setup?.(sheet, workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csv = (rows: string[][], sep = ',') => rows.map((r) => r.join(sep)).join('\r\n') + '\r\n';

// Node can decode GB18030 but not encode it; a reverse table of the two-byte range covers the test text.
let gbTable: Map<string, number[]> | undefined;
function encodeGb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead += 1)
      for (let trail = 0x40; trail <= 0xfe; trail += 1) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== '\ufffd' && !gbTable.has(ch)) gbTable.set(ch, [lead, trail]);
      }
  }
  const table = gbTable;
  return Buffer.from(
    [...text].flatMap((ch) => {
      if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GB18030 bytes for ${ch}`);
      return bytes;
    }),
  );
}

/** A minimal stored (uncompressed) zip whose central directory may declare a different size. */
function zip(name: string, content: string, declaredSize = content.length): Buffer {
  const nameBytes = Buffer.from(name);
  const data = Buffer.from(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/** exceljs's typings want their own ArrayBuffer-shaped "Buffer"; an exact copy satisfies them. */
async function loadWorkbook(data: Uint8Array): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(
    data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  );
  return workbook;
}

// Range-wide data validations work at runtime but are missing from exceljs's Worksheet typings.
const dataValidationsOf = (sheet: Worksheet) =>
  (sheet as Worksheet & { dataValidations: { add(range: string, rule: DataValidation): void } })
    .dataValidations;

function problemOf(result: RosterFileResult) {
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('reading .xlsx rosters', () => {
  it('[JS-15] maps the Chinese headers to fields and keeps spreadsheet row numbers', async () => {
    const result = await parseRosterFile(await xlsx([HEADER, ROW_A, [], ROW_B]));
    expect(result).toEqual({
      ok: true,
      format: 'xlsx',
      rows: [
        {
          sourceRow: 2,
          name: '张三',
          idType: '居民身份证',
          idNumber: ID_A,
          phone: '13812345678',
          education: '高中',
          serviceMonths: '24',
          currentCertificate: '值班水手',
          certificateNumber: 'JS001',
          lastVessel: '苏海 1',
        },
        {
          sourceRow: 4,
          name: '李四',
          idType: '身份证',
          idNumber: ID_B,
          phone: '13912345678',
          education: '本科',
        },
      ],
    });
    if (result.ok) expect(validateRosterRows(result.rows, { today: TODAY })).toMatchObject({ ok: true });
  });

  it('[JS-15] accepts English and annotated headers, a title row above them, and extra columns', async () => {
    const buffer = await xlsx([
      ['2026 年第 3 期 GMDSS 培训班学员名单'],
      ['序号', '* 姓名', 'ID Type', '身份证号', '手机号（必填）', 'education', 'serviceMonths', '备注'],
      [1, '王五', 'passport', 'E12345678', '13700000000', 'master', 120, '班长'],
    ]);
    expect(await parseRosterFile(buffer)).toEqual({
      ok: true,
      format: 'xlsx',
      rows: [
        {
          sourceRow: 3,
          name: '王五',
          idType: 'passport',
          idNumber: 'E12345678',
          phone: '13700000000',
          education: 'master',
          serviceMonths: 120,
        },
      ],
    });
  });

  it('[SEC-2] an ID number Excel stored as a number comes through as a number and is refused with a hint', async () => {
    const buffer = await xlsx([HEADER, ['张三', '居民身份证', Number(ID_A), 13812345678, '高中']]);
    const parsed = await parseRosterFile(buffer);
    expect(parsed).toMatchObject({ ok: true, rows: [{ idNumber: expect.any(Number), phone: 13812345678 }] });
    if (parsed.ok) expect(String(parsed.rows[0]?.idNumber)).not.toBe(ID_A); // the digits are already gone

    const result = await validateRosterFile(buffer, { today: TODAY });
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({
          row: 2,
          field: 'idNumber',
          code: 'ID_FORMAT',
          zh: expect.stringContaining('“文本”格式'),
          en: expect.stringContaining('format the ID number column as Text'),
        }),
      ],
    });
  });

  it('[JS-15] reads the displayed text of rich-text and formula cells', async () => {
    const buffer = await xlsx([HEADER, []], (sheet) => {
      sheet.getCell('A2').value = { richText: [{ text: '赵' }, { text: '六', font: { bold: true } }] };
      sheet.getCell('B2').value = '护照';
      sheet.getCell('C2').value = { formula: 'UPPER("e12345678")', result: 'E12345678' };
      sheet.getCell('D2').value = '13600000000';
      sheet.getCell('E2').value = '博士';
    });
    expect(await parseRosterFile(buffer)).toMatchObject({
      ok: true,
      rows: [{ name: '赵六', idNumber: 'E12345678', education: '博士' }],
    });
  });

  it('[SEC-2] skips hidden sheets and reads the first sheet with a header', async () => {
    const workbook = new Workbook();
    const lists = workbook.addWorksheet('选项', { state: 'hidden' });
    lists.addRow(['姓名', '学历']);
    workbook.addWorksheet('说明').addRow(['请在下一页填写']);
    const roster = workbook.addWorksheet('名单');
    roster.addRow(HEADER);
    roster.addRow(ROW_A);
    const result = await parseRosterFile(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(result).toMatchObject({ ok: true, rows: [{ name: '张三' }] });
  });

  it('[SEC-2] does not expand whole-column drop-downs (exceljs would build a million entries per column)', async () => {
    const buffer = await xlsx([HEADER, ROW_A], (sheet) => {
      for (const column of ['B', 'E', 'F', 'G', 'H'])
        dataValidationsOf(sheet).add(`${column}2:${column}1048576`, {
          type: 'list',
          allowBlank: true,
          formulae: ['"a,b"'],
        });
    });
    const started = Date.now();
    expect(await parseRosterFile(buffer)).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(2000); // measured ~9 s and ~570 MB when the node is parsed
  });
});

describe('reading CSV rosters', () => {
  it('[JS-15] reads UTF-8 with a BOM and keeps ID numbers as text', async () => {
    const text =
      '\ufeff' +
      csv([HEADER, ROW_A, ['"孙,七"', '身份证', ID_X.toLowerCase(), '"+86 135 0000 0000"', '初中']]);
    const result = await parseRosterFile(Buffer.from(text, 'utf8'));
    expect(result).toMatchObject({
      ok: true,
      format: 'csv',
      encoding: 'utf-8',
      rows: [
        { sourceRow: 2, name: '张三', idNumber: ID_A, serviceMonths: '24' },
        { sourceRow: 3, name: '孙,七', idNumber: ID_X.toLowerCase(), phone: '+86 135 0000 0000' },
      ],
    });
    if (result.ok) expect(validateRosterRows(result.rows, { today: TODAY })).toMatchObject({ ok: true });
  });

  it('[JS-15] reads UTF-8 without a BOM, and tab-separated text', async () => {
    expect(await parseRosterFile(Buffer.from(csv([HEADER, ROW_A])))).toMatchObject({
      ok: true,
      rows: [{ name: '张三', idNumber: ID_A }],
    });
    expect(await parseRosterFile(Buffer.from(csv([HEADER, ROW_A], '\t')))).toMatchObject({
      ok: true,
      rows: [{ name: '张三', idNumber: ID_A, lastVessel: '苏海 1' }],
    });
  });

  it('[JS-15] reads GB18030 (what Excel on Chinese Windows saves as "CSV")', async () => {
    const bytes = encodeGb18030(csv([HEADER, ROW_A, ROW_B]));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const result = await parseRosterFile(bytes);
    expect(result).toMatchObject({
      ok: true,
      format: 'csv',
      encoding: 'gb18030',
      rows: [
        {
          name: '张三',
          idType: '居民身份证',
          education: '高中',
          currentCertificate: '值班水手',
          lastVessel: '苏海 1',
        },
        { name: '李四', education: '本科' },
      ],
    });
  });

  it('[JS-15] keeps quoted line breaks inside one row and numbers rows as records', async () => {
    const text = csv([
      HEADER,
      ['张三', '居民身份证', ID_A, '13812345678', '高中', '', '"值班\n水手"'],
      ROW_B,
    ]);
    expect(await parseRosterFile(Buffer.from(text))).toMatchObject({
      ok: true,
      rows: [
        { sourceRow: 2, currentCertificate: '值班\n水手' },
        { sourceRow: 3, name: '李四' },
      ],
    });
  });

  it('[SEC-2] an ID number Excel wrote in scientific notation is refused with a hint', async () => {
    const text = csv([HEADER, ['张三', '居民身份证', '3.20102E+17', '13812345678', '高中']]);
    expect(await validateRosterFile(Buffer.from(text), { today: TODAY })).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ row: 2, code: 'ID_FORMAT', zh: expect.stringContaining('科学计数法') }),
      ],
    });
  });
});

describe('broken spreadsheets', () => {
  it.each([
    ['an empty upload', Buffer.alloc(0), 'EMPTY'],
    ['blank text', Buffer.from(' \r\n\r\n'), 'EMPTY'],
    [
      'a PNG image',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'NOT_A_SPREADSHEET',
    ],
    [
      'a zip header with garbage',
      Buffer.from('PK\x03\x04 this is not really a zip file'),
      'NOT_A_SPREADSHEET',
    ],
    ['a zip that is not a workbook', zip('word/document.xml', '<w:document/>'), 'NOT_A_SPREADSHEET'],
    [
      'an old .xls (or encrypted) file',
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2]),
      'LEGACY_XLS',
    ],
    ['UTF-16 text', Buffer.from('\ufeff姓名\t证件号码', 'utf16le'), 'ENCODING'],
    ['prose without a header', Buffer.from('Dear sir,\nplease find the roster attached.\n'), 'NO_HEADER'],
  ])('[SEC-2] %s is SPREADSHEET_INVALID (%s)', async (_what, data, reason) => {
    const result = await parseRosterFile(data);
    expect(result).toMatchObject({ ok: false, problem: { code: 'SPREADSHEET_INVALID', reason } });
    const { zh, en } = problemOf(result);
    expect(zh.length).toBeGreaterThan(0);
    expect(en.length).toBeGreaterThan(0);
  });

  it('[SEC-2] a workbook without a header row, or without sheets with content', async () => {
    expect(problemOf(await parseRosterFile(await xlsx([ROW_A, ROW_B])))).toMatchObject({
      reason: 'NO_HEADER',
    });
    expect(problemOf(await parseRosterFile(await xlsx([])))).toMatchObject({ reason: 'EMPTY' });
  });

  it('[SEC-2] a header without trainees is EMPTY', async () => {
    expect(problemOf(await parseRosterFile(await xlsx([HEADER, [], []])))).toMatchObject({
      reason: 'EMPTY',
      zh: '表头下面没有学员数据',
    });
  });

  it('[SEC-2] missing required columns are named', async () => {
    const problem = problemOf(
      await parseRosterFile(
        await xlsx([
          ['姓名', '证件号码', '手机'],
          ['张三', ID_A, '13812345678'],
        ]),
      ),
    );
    expect(problem).toEqual({
      code: 'SPREADSHEET_INVALID',
      reason: 'MISSING_COLUMNS',
      zh: '表头缺少必填列：证件类型、学历',
      en: 'The header lacks required columns: ID type, Education',
    });
  });

  it('[SEC-2] two columns for the same field are refused rather than guessed between', async () => {
    const problem = problemOf(
      await parseRosterFile(
        Buffer.from(
          csv([
            [...HEADER, '身份证号'],
            [...ROW_A, ID_B],
          ]),
        ),
      ),
    );
    expect(problem).toMatchObject({ reason: 'DUPLICATE_COLUMN', zh: expect.stringContaining('证件号码') });
  });

  it(`[SEC-2] more than ${MAX_ROSTER_ROWS} trainees is TOO_MANY_ROWS; exactly ${MAX_ROSTER_ROWS} is read`, async () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ['学员', '身份证', ID_A, '13812345678', '高中', String(i)]);
    expect(
      problemOf(await parseRosterFile(await xlsx([HEADER, ...rows(MAX_ROSTER_ROWS + 1)]))),
    ).toMatchObject({
      reason: 'TOO_MANY_ROWS',
    });
    expect(
      problemOf(await parseRosterFile(Buffer.from(csv([HEADER, ...rows(MAX_ROSTER_ROWS + 1)])))),
    ).toMatchObject({
      reason: 'TOO_MANY_ROWS',
    });
    const atLimit = await parseRosterFile(await xlsx([HEADER, ...rows(MAX_ROSTER_ROWS)]));
    expect(atLimit.ok && atLimit.rows.length).toBe(MAX_ROSTER_ROWS);
  });

  it('[SEC-2] a sheet with tens of thousands of physical rows is refused while parsing', async () => {
    // Formatted but empty cells are written as rows too; they are what makes a sheet huge.
    const buffer = await xlsx([HEADER, ROW_A], (sheet) => {
      for (let r = 3; r <= 12_000; r += 1) sheet.getCell(r, 1).numFmt = '@';
    });
    expect(problemOf(await parseRosterFile(buffer))).toMatchObject({ reason: 'TOO_MANY_ROWS' });
  });

  it('[SEC-2] oversized uploads and zips declaring huge contents are TOO_LARGE', async () => {
    expect(problemOf(await parseRosterFile(Buffer.alloc(MAX_FILE_BYTES + 1, 0x41)))).toMatchObject({
      reason: 'TOO_LARGE',
    });
    expect(
      problemOf(await parseRosterFile(zip('xl/worksheets/sheet1.xml', '<x/>', 0x7fffffff))),
    ).toMatchObject({
      reason: 'TOO_LARGE',
    });
  });

  it('[SEC-2] an entry that inflates past the size it declares is refused after that many bytes', async () => {
    // A real workbook with its sheet's declared size (local header and central directory) cut to 100.
    const good = await xlsx([HEADER, ROW_A]);
    const lie = Buffer.from(good);
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    for (let at = lie.indexOf(name); at >= 0; at = lie.indexOf(name, at + 1)) {
      if (lie.readUInt32LE(at - 30) === 0x04034b50) lie.writeUInt32LE(100, at - 30 + 22);
      if (lie.readUInt32LE(at - 46) === 0x02014b50) lie.writeUInt32LE(100, at - 46 + 24);
    }
    expect(lie.equals(good)).toBe(false);
    expect(problemOf(await parseRosterFile(lie))).toMatchObject({ reason: 'NOT_A_SPREADSHEET' });
    // And a stored entry whose bytes are not as many as it says.
    expect(
      problemOf(await parseRosterFile(zip('xl/worksheets/sheet1.xml', '<x/>'.repeat(100), 10))),
    ).toMatchObject({ reason: 'NOT_A_SPREADSHEET' });
  });

  it(`[SEC-2] dimensions are capped before parsing: over ${MAX_SHEET_COLUMNS} CSV columns, over ${MAX_SHEET_CELLS} cells`, async () => {
    const wide = (n: number) => [
      ...HEADER,
      ...Array.from({ length: n - HEADER.length }, (_, i) => `备注${i}`),
    ];
    expect(
      problemOf(await parseRosterFile(Buffer.from(csv([wide(MAX_SHEET_COLUMNS + 1), ROW_A])))),
    ).toMatchObject({
      reason: 'TOO_MANY_COLUMNS',
    });
    const atLimit = await parseRosterFile(Buffer.from(csv([wide(MAX_SHEET_COLUMNS), ROW_A])));
    expect(atLimit.ok).toBe(true);
    // 1,001 lines of 200 fields: within the row and column caps, over the cells cap.
    const filler = Array.from({ length: 1000 }, () => Array<string>(MAX_SHEET_COLUMNS).fill(''));
    expect(
      problemOf(await parseRosterFile(Buffer.from(csv([wide(MAX_SHEET_COLUMNS), ROW_A, ...filler])))),
    ).toMatchObject({ reason: 'TOO_MANY_CELLS' });
    const cells = await xlsx([HEADER, ROW_A], (sheet) => {
      for (let r = 3; r <= 3000; r += 1) for (let c = 1; c <= 70; c += 1) sheet.getCell(r, c).value = 1;
    });
    expect(problemOf(await parseRosterFile(cells))).toMatchObject({ reason: 'TOO_MANY_CELLS' });
  });

  it('[SEC-2] never throws: truncated workbooks and random bytes resolve to a problem', async () => {
    const good = await xlsx([HEADER, ROW_A]);
    // Views into a larger buffer: the reader must use only the viewed bytes, not the whole ArrayBuffer.
    const samples: Buffer[] = [good.subarray(0, Math.floor(good.length / 2)), good.subarray(0, 40)];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (const size of [1, 7, 100, 5000]) samples.push(Buffer.from(Array.from({ length: size }, random)));
    for (const sample of samples)
      expect(await parseRosterFile(sample)).toMatchObject({
        ok: false,
        problem: { code: 'SPREADSHEET_INVALID' },
      });
  });

  it('[SEC-2] never throws on a workbook with bytes overwritten in the middle', async () => {
    const good = await xlsx([HEADER, ROW_A]);
    for (const at of [100, 1000, 3000]) {
      const result = await parseRosterFile(Buffer.from(good).fill(0x20, at, at + 200));
      // Damage in a part the reader does not need may go unnoticed (JSZip skips CRCs); either answer is fine.
      expect(result.ok || result.problem.code === 'SPREADSHEET_INVALID').toBe(true);
    }
  });

  it('[SEC-2] validateRosterFile turns a broken file into one file-level error', async () => {
    expect(await validateRosterFile(Buffer.from('PK\x03\x04garbage'), { today: TODAY })).toEqual({
      ok: false,
      errors: [
        {
          row: 0,
          field: '',
          column: '',
          columnEn: '',
          code: 'SPREADSHEET_INVALID',
          zh: expect.any(String),
          en: expect.any(String),
        },
      ],
    });
  });

  it('[JS-6] validateRosterFile applies the capacity check to the rows read', async () => {
    const result = await validateRosterFile(await xlsx([HEADER, ROW_A, ROW_B]), {
      today: TODAY,
      capacity: 30,
      alreadyEnrolled: 29,
    });
    expect(result).toMatchObject({ ok: false, errors: [{ row: 0, code: 'CAPACITY_EXCEEDED' }] });
  });
});

describe('the roster template', () => {
  it('[JS-15] has the Chinese headers, a text-formatted ID column and drop-downs', async () => {
    const workbook = await loadWorkbook(await buildRosterTemplate());
    const sheet = workbook.worksheets[0];
    expect(sheet?.name).toBe('学员名单');
    expect(sheet?.getRow(1).values).toEqual([undefined, ...HEADER]);
    expect(sheet?.getColumn(3).numFmt).toBe('@');
    expect(sheet?.getCell('C2').numFmt).toBe('@');
    expect(sheet?.getCell('C1001').numFmt).toBe('@');
    expect(sheet?.getCell('B2').dataValidation).toMatchObject({
      type: 'list',
      formulae: [expect.stringContaining('护照')],
    });
    expect(sheet?.getCell('E1001').dataValidation).toMatchObject({
      formulae: [expect.stringContaining('中专/职高')],
    });
  });

  it('[JS-15] reads back as EMPTY, and once filled in, as a valid roster', async () => {
    const template = await buildRosterTemplate();
    expect(problemOf(await parseRosterFile(template))).toMatchObject({ reason: 'EMPTY' });

    const workbook = await loadWorkbook(template);
    const sheet = workbook.worksheets[0];
    ['张三', '居民身份证', ID_A, '13812345678', '高中'].forEach((value, i) => {
      if (sheet) sheet.getCell(2, i + 1).value = value;
    });
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await validateRosterFile(filled, { today: TODAY })).toMatchObject({
      ok: true,
      rows: [{ row: 2, name: '张三', idType: 'resident_id', idNumber: ID_A, education: 'senior_secondary' }],
    });
  });
});
