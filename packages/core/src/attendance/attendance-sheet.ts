import ExcelJS from 'exceljs';
import type { AttendanceCheckView, ClassAttendanceView, SessionAttendanceView } from '@seafarer/contracts';
import { formatChinaMinute } from '../filing/china-time';

/**
 * JS-13.2: the attendance sheet (考勤表) of a class, or of one day of it, as an officer or a manager
 * prints it: zh-CN headers with English beside, China time, people's words for every value (到课 Present,
 * never a code), a title row naming the institution and the class. Every value is written as a plain
 * string or number cell, never as a formula: a name such as "=HYPERLINK(…)" stays inert text.
 */
const h = (zh: string, en: string) => `${zh} ${en}`;
const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;

/** The session's attendance in people's words (the rule's sessionStatusLabel). */
export const sessionStatus = (s: SessionAttendanceView): string => `${s.status.zh} ${s.status.en}`;

const checkText = (c: AttendanceCheckView) =>
  `${c.time} ${both(c.resultLabel)}${c.state === 'none' ? '' : `（${both(c.stateLabel)}）`}`;

export async function attendanceSheetXlsx(v: ClassAttendanceView, exportedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('考勤表 Attendance', { views: [{ state: 'frozen', ySplit: 3 }] });
  const columns = [
    { header: h('序号', 'No.'), width: 8 },
    { header: h('姓名', 'Name'), width: 16 },
    { header: h('日期', 'Date'), width: 14 },
    { header: h('课次', 'Session'), width: 10 },
    { header: h('课表时间（北京时间）', 'Timetable (China time)'), width: 24 },
    { header: h('首次在线', 'First present'), width: 14 },
    { header: h('最后在线', 'Last present'), width: 14 },
    { header: h('出勤分钟', 'Minutes present'), width: 16 },
    { header: h('出勤情况', 'Attendance'), width: 26 },
    { header: h('点名', 'Roll-calls'), width: 44 },
    { header: h('身份抽查', 'Spot checks'), width: 44 },
    { header: h('暂扣分钟', 'Minutes withheld'), width: 16 },
    { header: h('认定分钟', 'Minutes credited'), width: 16 },
    { header: h('认定学时', 'Hours credited'), width: 16 },
  ];
  ws.columns = columns.map((c) => ({ width: c.width }));
  const title = `${v.institutionName} · ${v.className}（${v.classCode}）考勤表 Attendance sheet`;
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, columns.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.addRow([
    `${h('日期', 'Date')}：${v.date ?? h('全部课次', 'all sessions')} · ${h('导出时间（北京时间）', 'Exported (China time)')}：${formatChinaMinute(exportedAt)}`,
  ]);
  ws.mergeCells(2, 1, 2, columns.length);
  ws.addRow(columns.map((c) => c.header));
  ws.getRow(3).font = { bold: true };

  let n = 0;
  for (const t of v.trainees)
    for (const s of t.sessions) {
      const list = (kind: AttendanceCheckView['kind']) =>
        s.checks
          .filter((c) => c.kind === kind)
          .map(checkText)
          .join('\n');
      ws.addRow([
        ++n,
        t.name,
        s.date,
        `第 ${s.seq} 次 No. ${s.seq}`,
        `${s.date} ${s.start}–${s.end}`,
        s.firstPresent ?? '—',
        s.lastPresent ?? '—',
        s.presentMinutes,
        sessionStatus(s),
        list('roll_call') || '—',
        list('spot_check') || '—',
        s.withheldMinutes,
        s.creditedMinutes,
        s.creditedHours,
      ]);
    }
  ws.eachRow((row, i) => {
    if (i > 3) row.alignment = { vertical: 'top', wrapText: true };
  });

  const sum = wb.addWorksheet('汇总 Totals', { views: [{ state: 'frozen', ySplit: 2 }] });
  sum.columns = [16, 16, 18, 18, 18, 22].map((width) => ({ width }));
  sum.addRow([title]);
  sum.mergeCells(1, 1, 1, 6);
  sum.getRow(1).font = { bold: true, size: 14 };
  sum.addRow([
    h('姓名', 'Name'),
    h('计划学时', 'Planned hours'),
    h('已上课时（分钟）', 'Held so far (min)'),
    h('认定学时', 'Hours credited'),
    h('出勤率', 'Attendance ratio'),
    h('标注', 'Flag'),
  ]);
  sum.getRow(2).font = { bold: true };
  const pct = Math.round(v.requiredRatio * 100);
  for (const t of v.trainees)
    sum.addRow([
      t.name,
      t.totals.plannedHours,
      t.totals.heldMinutes,
      t.totals.creditedHours,
      t.totals.ratio === null ? '—' : `${Math.round(t.totals.ratio * 100)}%`,
      t.totals.flagged ? h(`低于 ${pct}%`, `below ${pct} %`) : h('正常', 'OK'),
    ]);

  const rule = wb.addWorksheet('规则 Rule');
  rule.columns = [{ width: 120 }];
  rule.addRow([h('学时认定规则', 'How hours are credited')]).font = { bold: true };
  for (const line of [v.rule.zh, v.rule.en]) rule.addRow([line]).alignment = { wrapText: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
