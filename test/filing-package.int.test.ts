import ExcelJS from 'exceljs';
import {
  EDUCATION_NAMES,
  FILING_STATES,
  ID_TYPE_NAMES,
  PLAN_STATUSES,
  ROLES,
  ROLE_LABELS,
  bilingual,
  type ClassView,
} from '@seafarer/contracts';
import { startTestApp, type TestApp } from './helpers/app';
import { chinaDate, createWorld, planFor, type World } from './helpers/world';
import { residentId, rosterCsv, trainees } from './helpers/roster';

let t: TestApp;
let w: World;
let c: ClassView;
const first = chinaDate(20);

beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
  c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: {
      trainingItemId: w.theoryItemId,
      code: `FP-${w.code}`,
      name: '备案材料测试班',
      plan: planFor(w.instructorId, managerId, first),
    },
  });
  const rows = trainees(2, 90);
  rows[1]!.education = '本科';
  const imported = await w.as.manager.raw('POST', `/api/v1/classes/${c.id}/roster/import`, {
    rawBody: rosterCsv(rows),
    headers: { 'content-type': 'text/csv' },
  });
  expect(imported.status).toBe(200);
  await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
  await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, { body: { decision: 'confirm' } });
  await w.as.manager.call('POST', `/api/v1/classes/${c.id}/roster/file`);
});
afterAll(() => t.close());

const download = async (path: string, token: string | null) => {
  const res = await fetch(`${t.baseUrl}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token ?? ''}` },
  });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
};
const workbook = async (bytes: Uint8Array) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
};
const rowsOf = (ws: ExcelJS.Worksheet) => {
  const rows: string[][] = [];
  ws.eachRow((row) => {
    const cells: string[] = [];
    for (let i = 1; i <= ws.columnCount; i += 1) cells.push(row.getCell(i).text);
    rows.push(cells);
  });
  return rows;
};

/** Every coded value an officer should never read: enum codes of the contracts. */
const CODES = [
  ...Object.keys(ID_TYPE_NAMES),
  ...Object.keys(EDUCATION_NAMES),
  ...PLAN_STATUSES,
  ...FILING_STATES,
  ...ROLES,
];
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/;
const CJK = /[\u4e00-\u9fff]/;

describe('the filing package as an officer reads it', () => {
  it('[JS-11.1] [JS-11.2] the XLSX has zh-CN headers with English, China-time values, no enum codes, and the roster in the template’s column order', async () => {
    const wb = await workbook(
      await download(`/classes/${c.id}/filing-package?format=xlsx`, w.as.officer.token),
    );
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '班级 Class',
      '课表 Timetable',
      '教员 Teachers',
      '名册 Roster',
    ]);

    for (const ws of wb.worksheets) {
      const [header, ...body] = rowsOf(ws);
      // Headers: Chinese first, English beside, never a field name.
      for (const h of header!) {
        expect(h).toMatch(CJK);
        expect(h).toMatch(/ [A-Z][A-Za-z]/);
        expect(h).not.toMatch(/^[a-z]+[A-Z]/); // camelCase field names such as nameZh, startsAt
      }
      for (const cell of [...header!, ...body.flat()]) {
        expect(cell).not.toMatch(ISO_INSTANT);
        expect(CODES).not.toContain(cell.trim());
        for (const code of CODES.filter((x) => x.includes('_'))) expect(cell).not.toContain(code);
      }
    }

    // The class sheet reads as label / value pairs, in Chinese with English.
    const cls = Object.fromEntries(rowsOf(wb.getWorksheet('班级 Class')!).slice(1));
    expect(cls['培训机构 Institution']).toBe(`测试航海学校${w.code}`);
    expect(cls['备案状态 Filing status']).toBe('已确认 Confirmed');
    expect(cls['报备时间（北京时间） Filed at (China time)']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // Times are China time: the 08:30 class reads 08:30, not 00:30 UTC.
    const timetable = rowsOf(wb.getWorksheet('课表 Timetable')!);
    expect(timetable[0]).toEqual([
      '序号 No.',
      '开始时间（北京时间） Start (China time)',
      '结束时间（北京时间） End (China time)',
      '时长（分钟） Minutes',
      '教学内容 Topic',
      '授课教员 Instructor',
    ]);
    expect(timetable[1]).toEqual([
      '1',
      `${first} 08:30`,
      `${first} 12:30`,
      '240',
      '第 1 讲 个人安全',
      '资深教员',
    ]);

    const teachers = rowsOf(wb.getWorksheet('教员 Teachers')!);
    expect(teachers.slice(1).map((r) => r[0])).toEqual(
      expect.arrayContaining([bilingual(ROLE_LABELS.class_manager)]),
    );
    expect(teachers[1]![1]).toBe('资深教员');

    // The roster's columns are the template's, in its order, each header the template's with English.
    const template = await workbook(await download('/roster-template.xlsx', w.as.manager.token));
    const templateHeaders = rowsOf(template.worksheets[0]!)[0]!;
    const roster = rowsOf(wb.getWorksheet('名册 Roster')!);
    expect(roster[0]!.slice(0, templateHeaders.length).map((h) => h.split(' ')[0])).toEqual(templateHeaders);
    expect(roster[0]!.slice(0, 5)).toEqual([
      '姓名 Name',
      '证件类型 ID type',
      '证件号码 ID number',
      '手机号 Mobile phone',
      '学历 Education',
    ]);
    // Human values: the ID type and education named, the ID number in full (as text).
    expect(roster.slice(1).map((r) => r.slice(0, 5))).toEqual([
      [
        '学员90',
        '居民身份证 Resident ID card',
        residentId(90),
        '13910000090',
        '高中 Senior secondary school',
      ],
      ['学员91', '居民身份证 Resident ID card', residentId(91), '13910000091', "本科 Bachelor's degree"],
    ]);
    expect(roster[1]![roster[0]!.indexOf('证件照 ID photo')]).toBe('无 No');

    // Being the template's columns, the roster sheet imports again as it is (into another class).
    const again = await w.as.manager.call<ClassView>(
      'POST',
      `/api/v1/institutions/${w.institutionId}/classes`,
      {
        body: {
          trainingItemId: w.theoryItemId,
          code: `FP2-${w.code}`,
          name: '再导入测试班',
          plan: planFor(w.instructorId, c.current.managers[0]!.accountId, first),
        },
      },
    );
    const sheetOnly = new ExcelJS.Workbook();
    const copy = sheetOnly.addWorksheet('名册');
    for (const r of roster) copy.addRow(r);
    copy.getColumn(3).numFmt = '@';
    const reimported = await w.as.manager.raw('POST', `/api/v1/classes/${again.id}/roster/import`, {
      rawBody: Buffer.from(await sheetOnly.xlsx.writeBuffer()) as unknown as string,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(reimported.body).toEqual({ imported: 2, total: 2 });
  });

  it('[JS-11.1] [JS-11.2] the JSON variant keeps the codes, each with its label beside it, and writes every time in China time', async () => {
    const res = await w.as.officer.raw('GET', `/api/v1/classes/${c.id}/filing-package`, {
      query: { format: 'json' },
    });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(ISO_INSTANT);
    const pkg = res.body as {
      timeZone: string;
      class: { status: string; statusLabel: string; filedAt: string };
      timetable: Array<{ date: string; start: string; end: string; minutes: number }>;
      rosterColumns: Array<{ key: string; header: string }>;
      roster: Array<{ idType: string; idTypeLabel: string; education: string; educationLabel: string }>;
      teachers: Array<{ role: string; roleLabel: string; name: string }>;
    };
    expect(pkg.timeZone).toBe('Asia/Shanghai');
    expect(pkg.class).toMatchObject({ status: 'confirmed', statusLabel: '已确认 Confirmed' });
    expect(pkg.class.filedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(pkg.timetable[0]).toMatchObject({
      date: first,
      start: `${first} 08:30`,
      end: `${first} 12:30`,
      minutes: 240,
    });
    expect(pkg.roster[0]).toMatchObject({
      idType: 'resident_id',
      idTypeLabel: '居民身份证 Resident ID card',
      education: 'senior_secondary',
      educationLabel: '高中 Senior secondary school',
    });
    expect(pkg.teachers[0]).toMatchObject({
      role: 'instructor',
      roleLabel: bilingual(ROLE_LABELS.instructor),
      name: '资深教员',
    });
    expect(pkg.rosterColumns.map((c) => c.key)).toEqual([
      'name',
      'idType',
      'idNumber',
      'phone',
      'education',
      'serviceMonths',
      'currentCertificate',
      'certificateNumber',
      'lastVessel',
    ]);
  });
});
