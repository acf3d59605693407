import ExcelJS from 'exceljs';
import {
  EDUCATION_NAMES,
  ID_TYPE_NAMES,
  PLAN_STATUS_LABELS,
  ROLE_LABELS,
  bilingual,
  labelOf,
  type LocalizedText,
} from '@seafarer/contracts';
import { formatChinaMinute } from '../filing';
import { FIELD_LABELS, ROSTER_FIELDS, type RosterField } from '../roster';

/**
 * JS-11.1 / JS-11.2: the filing package as an officer reads it. Every coded value travels with its
 * zh/en label (`idType` and `idTypeLabel`), every instant is China time 'YYYY-MM-DD HH:MM', and the
 * roster's fields are in the template's column order. The XLSX shows labels only, under bilingual headers.
 */
export interface FilingPackageInput {
  exportedAt: Date;
  institution: { nameZh: string; creditCode: string };
  class: { code: string; name: string };
  version: {
    version: number;
    status: string;
    scale: number;
    totalHours: number;
    firstSessionDate: string;
    filedAt: Date | null;
    reviewedAt: Date | null;
  };
  trainingItem: { code: string; nameZh: string; syllabusHours: number; syllabusVersion: string };
  teachers: Array<{ name: string; override: string | null }>;
  managers: Array<{ name: string; duties: string }>;
  timetable: Array<{ seq: number; startsAt: Date; endsAt: Date; topic: string; instructor: string }>;
  roster: Array<{
    name: string;
    idType: string;
    idNumber: string;
    phone: string;
    education: string;
    serviceMonths: number | null;
    currentCertificate: string | null;
    certificateNumber: string | null;
    lastVessel: string | null;
    hasIdPhoto: boolean;
  }>;
}

const chinaOrNull = (at: Date | null) => (at ? formatChinaMinute(at) : null);
const YES_NO: Record<'yes' | 'no', LocalizedText> = {
  yes: { zh: '有', en: 'Yes' },
  no: { zh: '无', en: 'No' },
};

/** The JSON variant: codes kept for programs, each with its label beside it; times in China time. */
export function filingPackageJson(p: FilingPackageInput) {
  return {
    timeZone: 'Asia/Shanghai',
    exportedAt: formatChinaMinute(p.exportedAt),
    institution: p.institution,
    class: {
      ...p.class,
      version: p.version.version,
      status: p.version.status,
      statusLabel: labelOf(PLAN_STATUS_LABELS, p.version.status),
      scale: p.version.scale,
      totalHours: p.version.totalHours,
      firstSessionDate: p.version.firstSessionDate,
      filedAt: chinaOrNull(p.version.filedAt),
      reviewedAt: chinaOrNull(p.version.reviewedAt),
    },
    trainingItem: p.trainingItem,
    teachers: p.teachers.map((t) => ({
      role: 'instructor',
      roleLabel: bilingual(ROLE_LABELS.instructor),
      ...t,
    })),
    managers: p.managers.map((m) => ({
      role: 'class_manager',
      roleLabel: bilingual(ROLE_LABELS.class_manager),
      ...m,
    })),
    timetable: p.timetable.map((s) => ({
      seq: s.seq,
      date: formatChinaMinute(s.startsAt).slice(0, 10),
      start: formatChinaMinute(s.startsAt),
      end: formatChinaMinute(s.endsAt),
      minutes: Math.round((s.endsAt.getTime() - s.startsAt.getTime()) / 60_000),
      topic: s.topic,
      instructor: s.instructor,
    })),
    /** The roster's columns, in the template's order, with their headers. */
    rosterColumns: ROSTER_FIELDS.map((key) => ({ key, header: bilingual(FIELD_LABELS[key]) })),
    roster: p.roster.map((r) => ({
      name: r.name,
      idType: r.idType,
      idTypeLabel: labelOf(ID_TYPE_NAMES, r.idType),
      idNumber: r.idNumber,
      phone: r.phone,
      education: r.education,
      educationLabel: labelOf(EDUCATION_NAMES, r.education),
      serviceMonths: r.serviceMonths,
      currentCertificate: r.currentCertificate,
      certificateNumber: r.certificateNumber,
      lastVessel: r.lastVessel,
      hasIdPhoto: r.hasIdPhoto,
    })),
  };
}

const h = (zh: string, en: string) => `${zh} ${en}`;

/** The XLSX variant: bilingual headers, labels instead of codes, China time. */
export async function filingPackageXlsx(p: FilingPackageInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = (name: string, columns: Array<{ header: string; width: number; text?: boolean }>) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({
      header: c.header,
      width: c.width,
      ...(c.text && { style: { numFmt: '@' } }),
    }));
    ws.getRow(1).font = { bold: true };
    return ws;
  };

  const cls = sheet('班级 Class', [
    { header: h('项目', 'Item'), width: 34 },
    { header: h('内容', 'Value'), width: 48 },
  ]);
  const v = p.version;
  const rows: Array<[string, string | number]> = [
    [h('培训机构', 'Institution'), p.institution.nameZh],
    [h('统一社会信用代码', 'Unified social credit code'), p.institution.creditCode],
    [h('班级编号', 'Class code'), p.class.code],
    [h('班级名称', 'Class name'), p.class.name],
    [h('培训项目', 'Training item'), `${p.trainingItem.code} ${p.trainingItem.nameZh}`],
    [h('大纲版本', 'Syllabus version'), p.trainingItem.syllabusVersion],
    [h('大纲学时', 'Syllabus hours'), p.trainingItem.syllabusHours],
    [h('计划学时', 'Scheduled hours'), v.totalHours],
    [h('班级规模（人）', 'Class size'), v.scale],
    [h('计划版本', 'Plan version'), v.version],
    [h('备案状态', 'Filing status'), labelOf(PLAN_STATUS_LABELS, v.status)],
    [h('首次课日期', 'First session date'), v.firstSessionDate],
    [h('报备时间（北京时间）', 'Filed at (China time)'), chinaOrNull(v.filedAt) ?? '—'],
    [h('审核时间（北京时间）', 'Reviewed at (China time)'), chinaOrNull(v.reviewedAt) ?? '—'],
    [h('学员人数', 'Trainees'), p.roster.length],
    [h('导出时间（北京时间）', 'Exported at (China time)'), formatChinaMinute(p.exportedAt)],
  ];
  for (const r of rows) cls.addRow(r);

  const tt = sheet('课表 Timetable', [
    { header: h('序号', 'No.'), width: 8 },
    { header: h('开始时间（北京时间）', 'Start (China time)'), width: 30 },
    { header: h('结束时间（北京时间）', 'End (China time)'), width: 30 },
    { header: h('时长（分钟）', 'Minutes'), width: 16 },
    { header: h('教学内容', 'Topic'), width: 36 },
    { header: h('授课教员', 'Instructor'), width: 18 },
  ]);
  for (const s of p.timetable)
    tt.addRow([
      s.seq,
      formatChinaMinute(s.startsAt),
      formatChinaMinute(s.endsAt),
      Math.round((s.endsAt.getTime() - s.startsAt.getTime()) / 60_000),
      s.topic,
      s.instructor,
    ]);

  const te = sheet('教员 Teachers', [
    { header: h('角色', 'Role'), width: 22 },
    { header: h('姓名', 'Name'), width: 16 },
    { header: h('职责', 'Duties'), width: 36 },
    { header: h('教龄不足三年的认可理由', 'Reason for accepting under 3 years of teaching'), width: 44 },
  ]);
  for (const t of p.teachers) te.addRow([bilingual(ROLE_LABELS.instructor), t.name, '', t.override ?? '']);
  for (const m of p.managers) te.addRow([bilingual(ROLE_LABELS.class_manager), m.name, m.duties, '']);

  const textFields: readonly RosterField[] = ['idNumber', 'phone', 'certificateNumber'];
  const ro = sheet('名册 Roster', [
    ...ROSTER_FIELDS.map((f) => ({
      header: bilingual(FIELD_LABELS[f]),
      width: Math.max(14, bilingual(FIELD_LABELS[f]).length + 6),
      text: textFields.includes(f),
    })),
    { header: h('证件照', 'ID photo'), width: 14 },
  ]);
  for (const r of p.roster) {
    const value: Record<RosterField, string | number> = {
      name: r.name,
      idType: labelOf(ID_TYPE_NAMES, r.idType),
      idNumber: r.idNumber,
      phone: r.phone,
      education: labelOf(EDUCATION_NAMES, r.education),
      serviceMonths: r.serviceMonths ?? '',
      currentCertificate: r.currentCertificate ?? '',
      certificateNumber: r.certificateNumber ?? '',
      lastVessel: r.lastVessel ?? '',
    };
    ro.addRow([...ROSTER_FIELDS.map((f) => value[f]), bilingual(r.hasIdPhoto ? YES_NO.yes : YES_NO.no)]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
