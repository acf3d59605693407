import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { computeCheckDigit } from '@seafarer/core';

/** A valid resident ID number (GB 11643) for a Nanjing resident born on `birth`. */
export const residentId = (seq: number, birth = '19900101') => {
  const first17 = `320102${birth}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
};
/** The same number with a wrong check digit. */
export const withWrongCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

export interface TraineeRow {
  name: string;
  idNumber: string;
  phone: string;
  education?: string;
  serviceMonths?: number;
}

const HEADER = ['姓名', '证件类型', '证件号码', '手机号', '学历', '海上服务月数', '现持证书'];

export const rosterCsv = (rows: TraineeRow[]) =>
  [
    HEADER.join(','),
    ...rows.map((r) =>
      [
        r.name,
        '居民身份证',
        r.idNumber,
        r.phone,
        r.education ?? '高中',
        r.serviceMonths ?? 12,
        '值班水手',
      ].join(','),
    ),
  ].join('\r\n');

export async function rosterXlsx(rows: TraineeRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名册');
  ws.addRow(HEADER);
  for (const r of rows)
    ws.addRow([
      r.name,
      '居民身份证',
      r.idNumber,
      r.phone,
      r.education ?? '本科',
      r.serviceMonths ?? 24,
      '三副',
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const trainees = (n: number, from = 1): TraineeRow[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `学员${from + i}`,
    idNumber: residentId(from + i),
    phone: `139${String(10000000 + from + i).slice(-8)}`,
  }));

/** One part of a hand-built zip: its bytes, or (for a bomb) an already deflated stream and the claims. */
export interface ZipPart {
  name: string;
  data?: Buffer;
  /** Raw deflate stream to store instead of deflating `data`. */
  deflated?: Buffer;
  /** The inflated size written in the local header and the central directory (default: the truth). */
  declaredSize?: number;
  crc?: number;
}

/** A deflated zip written byte by byte, so that its headers can say what a test wants them to. */
export function zipOf(parts: ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const body = part.deflated ?? deflateRawSync(part.data ?? Buffer.alloc(0));
    const size = part.declaredSize ?? part.data?.length ?? 0;
    const crc = part.crc ?? crc32(part.data ?? Buffer.alloc(0));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const SHEET_XML_START = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN_NS}"><sheetData>`;
const SHEET_XML_END = '</sheetData></worksheet>';

/** The parts of a one-sheet workbook around its xl/worksheets/sheet1.xml. */
export const WORKBOOK_PARTS: ZipPart[] = [
  {
    name: '[Content_Types].xml',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '</Types>',
    ),
  },
  {
    name: '_rels/.rels',
    data: Buffer.from(
      `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
  },
  {
    name: 'xl/workbook.xml',
    data: Buffer.from(
      `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    data: Buffer.from(
      `<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
  },
];

const column = (n: number): string =>
  (n > 26 ? column(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const textRow = (r: number, values: string[]) =>
  `<row r="${r}">${values.map((v, i) => `<c r="${column(i + 1)}${r}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`).join('')}</row>`;

/** A roster written with the hand-built zip (inline strings), honest about its sizes. */
export function handBuiltRosterXlsx(rows: TraineeRow[]): Buffer {
  const lines = [
    textRow(1, HEADER),
    ...rows.map((t, i) =>
      textRow(i + 2, [
        t.name,
        '居民身份证',
        t.idNumber,
        t.phone,
        t.education ?? '本科',
        String(t.serviceMonths ?? 24),
        '三副',
      ]),
    ),
  ];
  return zipOf([
    ...WORKBOOK_PARTS,
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(SHEET_XML_START + lines.join('') + SHEET_XML_END) },
  ]);
}

/** Raw-deflates what `write` produces piece by piece, never holding the inflated whole. */
async function deflateStream(write: (push: (s: string | Buffer) => Promise<void>) => Promise<void>) {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  await write(async (s) => {
    if (!deflate.write(s)) await new Promise((resolve) => deflate.once('drain', resolve));
  });
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

/**
 * SEC-2: a zip bomb that lies. A valid one-sheet workbook whose sheet1.xml says (in its local header and
 * the central directory) that it is 1,000 bytes, and inflates to `inflatedMb` MB of whitespace.
 */
export async function lyingZipBomb(inflatedMb = 480): Promise<Buffer> {
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  const deflated = await deflateStream(async (push) => {
    await push(SHEET_XML_START);
    for (let i = 0; i < inflatedMb; i += 1) await push(spaces);
    await push(SHEET_XML_END);
  });
  return zipOf([
    ...WORKBOOK_PARTS,
    { name: 'xl/worksheets/sheet1.xml', deflated, declaredSize: 1000, crc: 0 },
  ]);
}

/**
 * An .xlsx of rows × columns numeric cells written without cell references (Excel allows leaving them
 * out): it repeats itself, so 9,999 × 200 cells is a 77 KB file, and a parser still builds every cell.
 */
export async function denseXlsx(rows: number, columns: number): Promise<Buffer> {
  const row = Buffer.from(`<row>${'<c><v>1</v></c>'.repeat(columns)}</row>`);
  let size = 0;
  let crc = 0;
  const deflated = await deflateStream(async (push) => {
    const emit = async (bytes: Buffer) => {
      size += bytes.length;
      crc = crc32(bytes, crc);
      await push(bytes);
    };
    await emit(Buffer.from(SHEET_XML_START));
    for (let r = 1; r <= rows; r += 1) await emit(row);
    await emit(Buffer.from(SHEET_XML_END));
  });
  return zipOf([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', deflated, declaredSize: size, crc }]);
}

/** A CSV of `rows` lines of `columns` one-character fields (16,000 × 150 is 4.8 MB). */
export const wideCsv = (columns: number, rows: number) =>
  Array.from({ length: rows }, () => Array(columns).fill('1').join(',')).join('\r\n');
