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
