import ExcelJS from 'exceljs';
import type { ClassAttendanceView } from '@seafarer/contracts';
import { attendanceSheetXlsx } from './attendance-sheet';
import { classTotals } from './credited-hours';

describe('[JS-13.2] the attendance sheet', () => {
  it('writes a hostile name as inert text, never as a formula', async () => {
    const session = {
      sessionId: '00000000-0000-4000-8000-000000000001',
      seq: 1,
      date: '2026-12-07',
      start: '08:30',
      end: '10:30',
      plannedMinutes: 120,
      heldMinutes: 120,
      presentMinutes: 120,
      firstPresent: '08:30',
      lastPresent: '10:30',
      lateMinutes: null,
      leftEarlyMinutes: null,
      absent: false,
      status: { zh: '到课', en: 'Present' },
      withheldMinutes: 0,
      pendingMinutes: 0,
      creditedMinutes: 120,
      creditedHours: 2,
      checks: [],
    };
    const view: ClassAttendanceView = {
      classId: '00000000-0000-4000-8000-000000000002',
      classCode: 'C1',
      className: '=cmd|"/c calc"!A1',
      institutionName: '@SUM(1+1)',
      date: '2026-12-07',
      requiredRatio: 0.9,
      rule: { zh: '规则', en: 'Rule' },
      sessions: [],
      trainees: [
        {
          accountId: null,
          rosterEntryId: '00000000-0000-4000-8000-000000000003',
          name: '=HYPERLINK("http://evil","点我")',
          sessions: [session],
          totals: classTotals([session]),
        },
      ],
    };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await attendanceSheetXlsx(view, new Date('2026-12-07T02:00:00Z'))) as unknown as ArrayBuffer,
    );
    const ws = wb.getWorksheet('考勤表 Attendance')!;
    const name = ws.getCell('B4');
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe('=HYPERLINK("http://evil","点我")');
    expect(ws.getCell('I4').value).toBe('到课 Present');
    expect(String(ws.getCell('A2').value)).toContain('2026-12-07 10:00');
    wb.eachSheet((sheet) =>
      sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula))),
    );
  });
});
