import ExcelJS from 'exceljs';
import type {
  ClassView,
  FileRosterResult,
  IssueAccountsResult,
  TraineeAttendanceView,
} from '@seafarer/contracts';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import {
  addDays,
  addIdentityFixture,
  addLiveRecordsFixture,
  chinaDate,
  createWorld,
  NEW_PASSWORD,
  planFor,
  type World,
} from './helpers/world';
import { residentId, rosterCsv, rosterXlsx, trainees, withWrongCheckDigit } from './helpers/roster';

const clock = movableClock();
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) }, { clock });
  w = await createWorld(t);
});
afterEach(() => clock.reset());
afterAll(() => t.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const upload = (classId: string, body: string | Buffer, type = 'text/csv') =>
  w.as.manager.raw('POST', `/api/v1/classes/${classId}/roster/import`, {
    rawBody: body as unknown as string,
    headers: { 'content-type': type },
  });
const roster = async (classId: string) =>
  (
    await w.as.manager.call<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `/api/v1/classes/${classId}/roster`,
    )
  ).items;
let n = 0;
async function newClass(firstDate = chinaDate(20)) {
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
  return w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: {
      trainingItemId: w.theoryItemId,
      code: `R${++n}-${w.code}`,
      name: '名册测试班',
      plan: planFor(w.instructorId, managerId, firstDate),
    },
  });
}

describe('roster import', () => {
  it('[JS-15] [SEC-2] a spreadsheet with one bad ID check digit imports nothing and names the row and the column by its header', async () => {
    const rows = trainees(3);
    rows[1]!.idNumber = withWrongCheckDigit(rows[1]!.idNumber);
    const res = await upload(w.classId, rosterCsv(rows));
    expect(res.status).toBe(422);
    const body = res.body as {
      code: string;
      message: { zh: string; en: string };
      details: { errors: Array<{ row: number; field: string; code: string; zh: string; en: string }> };
    };
    expect(body.code).toBe('ROSTER_INVALID');
    expect(body.message.zh).toContain('未导入');
    expect(body.details.errors).toEqual([
      expect.objectContaining({
        row: 3,
        field: 'idNumber',
        column: '证件号码',
        columnEn: 'ID number',
        code: 'ID_CHECK_DIGIT',
        zh: expect.stringMatching(/^证件号码：身份证号码校验位不正确/),
        en: expect.stringMatching(/^ID number: /),
      }),
    ]);
    expect(await roster(w.classId)).toHaveLength(0);
  });

  it('[JS-15] every row error names its column by the template header, never by the field name', async () => {
    const rows = trainees(3, 60);
    rows[0]!.phone = '12345';
    (rows[1] as { education?: string }).education = '幼儿园';
    rows[2]!.name = '';
    const res = await upload(w.classId, rosterCsv(rows));
    expect(res.status).toBe(422);
    const errors = (
      res.body as {
        details: {
          errors: Array<{
            row: number;
            field: string;
            column: string;
            columnEn: string;
            zh: string;
            en: string;
          }>;
        };
      }
    ).details.errors;
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, '手机号'],
      [3, '学历'],
      [4, '姓名'],
    ]);
    for (const e of errors) {
      expect(e.zh.startsWith(`${e.column}`)).toBe(true);
      expect(e.en.startsWith(`${e.columnEn}`)).toBe(true);
      expect(e.zh).not.toMatch(/phone|education|name|idNumber/);
      expect(e.en).not.toMatch(/idNumber|idType|serviceMonths/);
    }
    expect(await roster(w.classId)).toHaveLength(0);
  });

  it('[JS-6] a roster larger than the licensed scale is refused whole', async () => {
    const res = await upload(w.classId, rosterCsv(trainees(4)));
    expect(res.status).toBe(422);
    expect(
      (res.body as { details: { errors: Array<{ row: number; code: string }> } }).details.errors,
    ).toContainEqual(expect.objectContaining({ row: 0, code: 'CAPACITY_EXCEEDED' }));
    expect(await roster(w.classId)).toHaveLength(0);
  });

  it('[JS-15] [SEC-3] a valid XLSX roster is imported; lists show ID numbers and phones masked, and they are encrypted at rest', async () => {
    const rows = trainees(2, 10);
    const res = await upload(w.classId, await rosterXlsx(rows), XLSX);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imported: 2, total: 2 });
    const list = await roster(w.classId);
    expect(list.map((r) => r.name)).toEqual(['学员10', '学员11']);
    expect(list[0]).toMatchObject({
      idNumberMasked: `${rows[0]!.idNumber.slice(0, 4)}**********${rows[0]!.idNumber.slice(-4)}`,
      phoneMasked: expect.stringMatching(/^139\*{4}\d{4}$/),
      education: 'bachelor',
    });
    const raw = await t.app.core.db.execute(
      `select id_number_enc, phone_enc from roster_entries where class_id = '${w.classId}'` as never,
    );
    const stored = JSON.stringify((raw as unknown as { rows: unknown[] }).rows);
    expect(stored).not.toContain(rows[0]!.idNumber);
    expect(stored).not.toContain(rows[0]!.phone);
  });

  it('[JS-6] [JS-15] a trainee already in the class, or a third row beyond the scale, is refused and nothing changes', async () => {
    const dup = await upload(
      w.classId,
      rosterCsv([{ name: '重复', idNumber: residentId(10), phone: '13700000001' }]),
    );
    expect((dup.body as { details: { errors: Array<{ code: string }> } }).details.errors[0]!.code).toBe(
      'ID_ALREADY_ENROLLED',
    );
    const over = await upload(w.classId, rosterCsv(trainees(2, 20)));
    expect(
      (over.body as { details: { errors: Array<{ code: string }> } }).details.errors.map((e) => e.code),
    ).toContain('CAPACITY_EXCEEDED');
    expect(await roster(w.classId)).toHaveLength(2);
  });

  it('[SEC-2] a file that is not a spreadsheet is refused with a clear code', async () => {
    const res = await upload(
      w.classId,
      Buffer.from('%PDF-1.7 definitely not a roster'),
      'application/octet-stream',
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'SPREADSHEET_INVALID',
      message: { zh: expect.any(String), en: expect.any(String) },
    });
  });
});

describe('roster filing, accounts and the filing package', () => {
  it('[JS-11.2] the roster is filed before the first session and not after it starts', async () => {
    const first = chinaDate(25);
    const c = await newClass(first);
    expect((await upload(c.id, rosterCsv(trainees(1, 40)))).status).toBe(200);
    clock.set(china(first, '08:30:00'));
    const late = await w.as.manager.raw('POST', `/api/v1/classes/${c.id}/roster/file`);
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: 'DEADLINE_PASSED' });
    clock.set(china(first, '08:29:59'));
    const filed = await w.as.manager.call<FileRosterResult>('POST', `/api/v1/classes/${c.id}/roster/file`);
    expect(filed.rosterFiledAt).not.toBeNull();
    // Filed all the same, with a word about the trainee who has no ID photo yet.
    expect(filed.warnings).toEqual([
      {
        code: 'NO_ID_PHOTO',
        count: 1,
        message: {
          zh: expect.stringContaining('1 名学员尚无证件照'),
          en: expect.stringContaining('no ID photo'),
        },
      },
    ]);
    // A later enrolment change must be filed again.
    clock.set(china(addDays(first, -1)));
    await upload(c.id, rosterCsv(trainees(1, 41)));
    expect((await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`)).rosterFiledAt).toBeNull();
  });

  it('[JS-12] [TM-1] accounts are issued in bulk with one-time passwords; first sign-in forces a change; the trainee sees the class and an invitation', async () => {
    const issued = await w.as.manager.call<IssueAccountsResult>(
      'POST',
      `/api/v1/classes/${w.classId}/accounts/issue`,
    );
    expect(issued.issued).toHaveLength(2);
    expect(issued.notice.zh).toContain('仅显示');
    // What a slip needs so that its holder knows where to go, for which class, and when.
    const view = await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${w.classId}`);
    const s1 = view.current.sessions[0]!;
    expect(issued).toMatchObject({
      signInUrl: new URL('/app/', t.config.PUBLIC_BASE_URL).toString(),
      classCode: view.code,
      className: view.name,
      firstSession: { date: s1.date, start: s1.start, end: s1.end, startsAt: s1.startsAt, endsAt: s1.endsAt },
    });
    const slip = issued.issued[0]!;
    const again = await w.as.manager.call<{ issued: unknown[]; alreadyHadAccount: number }>(
      'POST',
      `/api/v1/classes/${w.classId}/accounts/issue`,
    );
    expect(again).toMatchObject({ issued: [], alreadyHadAccount: 2 });

    const pair = await t.client.auth.login({ username: slip.username, password: slip.oneTimePassword });
    expect(pair.account.mustChangePassword).toBe(true);
    const trainee = t.client.withToken(pair.accessToken);
    expect((await trainee.raw('GET', '/api/v1/me/classes')).status).toBe(403);
    await trainee.auth.changePassword({ currentPassword: slip.oneTimePassword, newPassword: NEW_PASSWORD });
    const mine = await trainee.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/me/classes');
    expect(mine.items.map((c) => c.id)).toEqual([w.classId]);
    expect((await trainee.call<ClassView>('GET', `/api/v1/classes/${w.classId}`)).id).toBe(w.classId);
    const inbox = await trainee.call<{ items: Array<{ kind: string }> }>('GET', '/api/v1/notifications');
    expect(inbox.items.map((x) => x.kind)).toContain('class.invitation');
    // The audit trail records who was issued an account, never the passwords.
    const events = await w.as.admin.institutions.auditEvents(w.institutionId, {
      action: 'trainee_accounts.issued',
    });
    expect(JSON.stringify(events.items)).not.toContain(slip.oneTimePassword);
  });

  it('[JS-11.1] [JS-15] the filing package carries plan, teachers, hours and roster, as JSON and XLSX, and each export is audited', async () => {
    const json = await w.as.manager.raw('GET', `/api/v1/classes/${w.classId}/filing-package`, {
      query: { format: 'json' },
    });
    expect(json.status).toBe(200);
    const pkg = json.body as {
      class: { totalHours: number };
      trainingItem: { syllabusHours: number };
      teachers: Array<{ name: string }>;
      timetable: unknown[];
      roster: Array<{ idNumber: string }>;
    };
    expect(pkg.class.totalHours).toBe(16);
    expect(pkg.trainingItem.syllabusHours).toBe(16);
    expect(pkg.teachers.map((x) => x.name)).toEqual(['资深教员']);
    expect(pkg.timetable).toHaveLength(4);
    expect(pkg.roster.map((r) => r.idNumber)).toEqual([residentId(10), residentId(11)]);

    const res = await fetch(`${t.baseUrl}/api/v1/classes/${w.classId}/filing-package?format=xlsx`, {
      headers: { authorization: `Bearer ${w.as.officer.token}` },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      '班级 Class',
      '课表 Timetable',
      '教员 Teachers',
      '名册 Roster',
    ]);
    expect(wb.getWorksheet('名册 Roster')!.rowCount).toBe(3);
    const exports = await w.as.admin.institutions.auditEvents(w.institutionId, {
      action: 'filing_package.exported',
    });
    expect(exports.items.map((e) => (e.data as { format: string }).format)).toEqual(['xlsx', 'json']);
  });

  it('[JS-8] [JS-12] a trainee reads their own attendance against the plan, session by session; nobody else’s', async () => {
    const f = await addIdentityFixture(t, w, 7);
    await addLiveRecordsFixture(t, w, f);
    const mine = await f.trainee.call<TraineeAttendanceView>(
      'GET',
      `/api/v1/me/classes/${f.classId}/attendance`,
    );
    expect(mine.plannedMinutes).toBe(4 * 240);
    expect(mine.attendedMinutes).toBe(40);
    expect(mine.sessions).toHaveLength(4);
    expect(mine.sessions[0]).toMatchObject({
      sessionId: f.sessionId,
      seq: 1,
      plannedMinutes: 240,
      attendedMinutes: 40,
    });
    expect(mine.sessions.slice(1).map((s) => s.attendedMinutes)).toEqual([0, 0, 0]);
    // Another trainee (not on that roster) cannot read it; staff have the class's presence view instead.
    expect((await w.as.trainee.raw('GET', `/api/v1/me/classes/${f.classId}/attendance`)).status).toBe(404);
    expect((await w.as.manager.raw('GET', `/api/v1/me/classes/${f.classId}/attendance`)).status).toBe(403);
  });
});
