import { ApiError } from '@seafarer/sdk';
import type { ClassSummary, ClassView, PlanBody } from '@seafarer/contracts';
import { createJobWorker } from '@seafarer/queue';
import { startTestApp, type TestApp } from './helpers/app';
import { openJobQueue } from './helpers/queue';
import { china, movableClock } from './helpers/clock';
import { addDays, chinaDate, createWorld, planFor, signIn, type World } from './helpers/world';

const clock = movableClock();
let t: TestApp;
let w: World;
let managerId: string;
beforeAll(async () => {
  // The clock jumps weeks ahead here; sessions must outlive that.
  t = await startTestApp({ REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) }, { clock });
  w = await createWorld(t);
  managerId = (
    await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/staff`,
    )
  ).items.find((s) => s.username === w.usernames.manager)!.accountId;
});
afterEach(() => clock.reset());
afterAll(() => t.close());

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
    return null;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return {
      status: e.status,
      code: e.body.code,
      zh: e.body.message.zh,
      en: e.body.message.en,
      details: e.body.details,
    };
  }
};
let n = 0;
const createClass = (plan: PlanBody, itemId = w.theoryItemId) =>
  w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: { trainingItemId: itemId, code: `K${++n}-${w.code}`, name: '测试班', plan },
  });
const file = (id: string) => w.as.manager.call<ClassView>('POST', `/api/v1/classes/${id}/plan/file`);
const review = (id: string, decision: 'confirm' | 'reject', reason?: string) =>
  w.as.officer.call<ClassView>('POST', `/api/v1/classes/${id}/plan/review`, {
    body: { decision, ...(reason && { reason }) },
  });
const grant = (id: string, sessionId: string, as = w.as.instructor) =>
  as.call<{ liveRole: string; hidden: boolean }>(
    'POST',
    `/api/v1/classes/${id}/sessions/${sessionId}/join-grant`,
  );

describe('class plan rules', () => {
  it('[JS-2] a practical training item cannot be planned as an online class', async () => {
    const r = await refusal(
      createClass(planFor(w.instructorId, managerId, chinaDate(20)), w.practicalItemId),
    );
    expect(r).toMatchObject({ status: 422, code: 'PRACTICAL_ITEM_NOT_ONLINE' });
  });

  it('[JS-10] a draft short of the syllabus is saved and shows the shortfall; filing it is refused naming both figures', async () => {
    const plan = planFor(w.instructorId, managerId, chinaDate(20));
    plan.sessions[3]!.end = '12:00'; // 15.5 h against 16
    const c = await createClass(plan);
    expect(c.filingState).toBe('draft');
    expect(c.current.hours).toEqual({ scheduledMinutes: 930, syllabusMinutes: 960, shortfallMinutes: 30 });
    expect(c.current.problems).toEqual([
      expect.objectContaining({ code: 'PRECONDITION_FAILED', zh: expect.stringContaining('尚差 30 分钟') }),
    ]);
    const r = await refusal(file(c.id));
    expect(r).toMatchObject({ status: 422, code: 'PRECONDITION_FAILED' });
    expect(r!.zh).toMatch(/15\.5.*16/);
    expect(r!.en).toMatch(/15\.5.*16/);
    // The stored draft is still a draft; once it covers the syllabus, it files.
    expect((await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`)).filingState).toBe('draft');
    const fixed = await w.as.manager.call<ClassView>('PUT', `/api/v1/classes/${c.id}/plan`, {
      body: planFor(w.instructorId, managerId, chinaDate(20)),
    });
    expect(fixed.current).toMatchObject({
      hours: { scheduledMinutes: 960, syllabusMinutes: 960, shortfallMinutes: 0 },
      problems: [],
    });
    expect((await file(c.id)).filingState).toBe('pending_review');
  });

  it('[JS-6] a class larger than the licensed scale is refused', async () => {
    const r = await refusal(createClass(planFor(w.instructorId, managerId, chinaDate(20), 4)));
    expect(r).toMatchObject({ status: 422, code: 'CAPACITY_EXCEEDED', zh: expect.stringContaining('3') });
  });

  it('[JS-9] an instructor under three years is refused without an override, accepted with one, and the override is recorded', async () => {
    const plan = planFor(w.juniorInstructorId, managerId, chinaDate(20));
    expect(await refusal(createClass(plan))).toMatchObject({ status: 422, code: 'INSTRUCTOR_UNQUALIFIED' });
    const reason = '该教员为资深船长，经机构负责人批准承担本班授课';
    const c = await createClass({
      ...plan,
      instructorOverrides: [{ accountId: w.juniorInstructorId, reason }],
    });
    expect(c.current.instructorOverrides).toEqual([{ accountId: w.juniorInstructorId, reason }]);
    const events = await w.as.officer.institutions.auditEvents(w.institutionId, { action: 'class.created' });
    expect(events.items.find((e) => e.targetId === c.id)?.data).toMatchObject({
      instructorOverrides: [{ accountId: w.juniorInstructorId, reason }],
    });
  });

  it('[JS-3] a class is refused once the institution loses its online-training qualification, and for an item not licensed on its dates', async () => {
    await w.as.officer.institutions.setQualification(w.institutionId, {
      status: 'suspended',
      note: '限期整改',
    });
    try {
      expect(await refusal(createClass(planFor(w.instructorId, managerId, chinaDate(20))))).toMatchObject({
        status: 422,
        code: 'NOT_QUALIFIED_ONLINE',
      });
    } finally {
      await w.as.officer.institutions.setQualification(w.institutionId, {
        status: 'qualified',
        note: '整改完成',
      });
    }
    const beyondLicence = planFor(w.instructorId, managerId, addDays(chinaDate(0), 365 * 4));
    expect(await refusal(createClass(beyondLicence))).toMatchObject({
      status: 422,
      code: 'ITEM_NOT_LICENSED',
    });
  });

  it('[SEC-2] a broken timetable lists every bad session', async () => {
    const plan = planFor(w.instructorId, managerId, chinaDate(20));
    plan.sessions[1] = { ...plan.sessions[1]!, start: '13:00', end: '12:00' };
    plan.sessions[2] = { ...plan.sessions[2]!, date: plan.sessions[0]!.date, start: '09:00', end: '10:00' };
    const r = await refusal(createClass(plan));
    expect(r).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect((r!.details as { problems: unknown[] }).problems.length).toBeGreaterThanOrEqual(2);
  });
});

describe('filing with the authority', () => {
  it('[JS-11.1] filing 2 calendar days before the first session is refused and 3 days is accepted, counted in China time', async () => {
    const first = chinaDate(30);
    const c = await createClass(planFor(w.instructorId, managerId, first));
    clock.set(china(addDays(first, -2), '00:00:00')); // 2 days before, just after China midnight
    expect(await refusal(file(c.id))).toMatchObject({
      status: 422,
      code: 'DEADLINE_PASSED',
      zh: expect.stringContaining(addDays(first, -3)),
    });
    expect((await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`)).filingState).toBe('draft');
    // The view says the same: the deadline has passed (daysLeft -1) and filing would be refused.
    const late = await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`);
    expect(late.filingDeadline).toEqual({
      firstSessionDate: first,
      lastFilingDate: addDays(first, -3),
      daysLeft: -1,
      applies: true,
    });
    expect(late.current.problems.map((p) => p.code)).toEqual(['DEADLINE_PASSED']);
    clock.set(china(addDays(first, -5), '10:00:00'));
    expect(
      (await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.id}`)).filingDeadline,
    ).toMatchObject({
      daysLeft: 2,
      applies: true,
    });
    clock.set(china(addDays(first, -3), '23:59:59')); // the last second of the last day
    const filed = await file(c.id);
    expect(filed.filingState).toBe('pending_review');
    // Filed: the deadline no longer applies ("还剩 N 天" is not shown), nor is anything left to fix.
    expect(filed.filingDeadline).toMatchObject({ daysLeft: 0, applies: false });
    expect(filed.current.problems).toEqual([]);
    const confirmed = await review(c.id, 'confirm');
    expect(confirmed.filingDeadline.applies).toBe(false);
    expect(confirmed.institutionNameZh).toBe(`测试航海学校${w.code}`);
    // The officer's list says the same, class by class.
    const list = await w.as.officer.call<{ items: ClassSummary[] }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/classes`,
    );
    expect(list.items.find((x) => x.id === c.id)).toMatchObject({
      institutionNameZh: `测试航海学校${w.code}`,
      filingState: 'confirmed',
      filingDeadline: { lastFilingDate: addDays(first, -3), applies: false },
      rosterFiledAt: null,
    });
  });

  it('[JS-5] [JS-11.3] [VC-4] the live room will not open before the officer confirms; after confirmation it opens within the timetable window', async () => {
    const first = chinaDate(12);
    const c = await createClass(planFor(w.instructorId, managerId, first));
    const sessionId = c.current.sessions[0]!.id;
    clock.set(china(first, '08:20:00'));
    expect(await refusal(grant(c.id, sessionId))).toMatchObject({ status: 422, code: 'CLASS_NOT_CONFIRMED' });
    clock.reset();
    await file(c.id);
    expect(await refusal(grant(c.id, sessionId))).toMatchObject({ code: 'CLASS_NOT_CONFIRMED' });
    const confirmed = await review(c.id, 'confirm');
    expect(confirmed).toMatchObject({ filingState: 'confirmed', canRun: true, confirmedVersion: 1 });

    // The view's join window is the one the grant applies: 30 minutes before the start to 30 after the end.
    const s0 = confirmed.current.sessions[0]!;
    expect(s0).toMatchObject({
      joinOpensAt: china(first, '08:00:00').toISOString(),
      joinClosesAt: new Date(Date.parse(s0.endsAt) + 30 * 60_000).toISOString(),
    });
    clock.set(new Date(Date.parse(s0.joinOpensAt) - 1000));
    expect(await refusal(grant(c.id, sessionId))).toMatchObject({
      code: 'OUTSIDE_TIMETABLE',
      details: { joinOpensAt: s0.joinOpensAt, joinClosesAt: s0.joinClosesAt },
    });
    clock.set(new Date(Date.parse(s0.joinOpensAt)));
    expect(await grant(c.id, sessionId)).toMatchObject({ liveRole: 'instructor' });
    clock.set(new Date(Date.parse(s0.joinClosesAt) + 1000));
    expect(await refusal(grant(c.id, sessionId))).toMatchObject({ code: 'OUTSIDE_TIMETABLE' });
    clock.set(china(first, '07:00:00'));
    expect(await refusal(grant(c.id, sessionId))).toMatchObject({ code: 'OUTSIDE_TIMETABLE' });
    clock.set(china(first, '08:20:00'));
    expect(await grant(c.id, sessionId)).toMatchObject({ liveRole: 'instructor', hidden: false });
    expect(await grant(c.id, sessionId, w.as.officer)).toMatchObject({ liveRole: 'observer', hidden: true });
    expect(await refusal(grant(c.id, sessionId, w.as.trainee))).toMatchObject({ code: 'NOT_FOUND' }); // not on this class's roster
    const sitIns = await w.as.admin.institutions.auditEvents(w.institutionId, {
      action: 'live.observer_grant',
    });
    expect(sitIns.items.some((e) => e.targetId === sessionId)).toBe(true);
  });

  it('[JS-11.3] [QM-2] an amendment after confirmation takes the class back to pending, supersedes the old version, and the officer sees what changed', async () => {
    const first = chinaDate(15);
    const c = await createClass(planFor(w.instructorId, managerId, first));
    await file(c.id);
    await review(c.id, 'confirm');
    const changed = planFor(w.instructorId, managerId, first);
    changed.sessions[2]!.topic = '第 3 讲 船上应急';
    changed.sessions.push({
      date: addDays(first, 4),
      start: '08:30',
      end: '10:30',
      topic: '复习与答疑',
      instructorAccountId: w.instructorId,
    });
    const amended = await w.as.manager.call<ClassView>('PUT', `/api/v1/classes/${c.id}/plan`, {
      body: changed,
    });
    expect(amended).toMatchObject({
      filingState: 'draft',
      canRun: false,
      confirmedVersion: null,
      current: { version: 2, status: 'draft' },
    });
    clock.set(china(first, '08:20:00'));
    expect(await refusal(grant(c.id, c.current.sessions[0]!.id))).toMatchObject({
      code: 'CLASS_NOT_CONFIRMED',
    });
    clock.reset();

    const versions = await w.as.officer.call<{ items: Array<{ version: number; status: string }> }>(
      'GET',
      `/api/v1/classes/${c.id}/versions`,
    );
    expect(versions.items.map((v) => `${v.version}:${v.status}`)).toEqual(['1:superseded', '2:draft']);
    const { diff } = await w.as.officer.call<{
      diff: { sessions: { added: unknown[]; changed: unknown[] }; summary: { zh: string } };
    }>('GET', `/api/v1/classes/${c.id}/versions/2/diff`);
    expect(diff.sessions.added).toHaveLength(1);
    expect(diff.sessions.changed).toHaveLength(1);
    expect(diff.summary.zh).toContain('新增 1 个课次');

    await file(c.id);
    expect((await review(c.id, 'confirm')).confirmedVersion).toBe(2);
    expect(await refusal(file(c.id))).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('[VC-4] the officer may reject only with a reason; the managers are told', async () => {
    const c = await createClass(planFor(w.instructorId, managerId, chinaDate(25)));
    await file(c.id);
    expect(await refusal(review(c.id, 'reject'))).toMatchObject({ status: 400, code: 'VALIDATION' });
    const rejected = await review(c.id, 'reject', '课表与大纲内容不符，请修改后重新备案');
    expect(rejected).toMatchObject({
      filingState: 'rejected',
      canRun: false,
      current: { reviewReason: '课表与大纲内容不符，请修改后重新备案' },
    });
    const inbox = await w.as.manager.call<{ items: Array<{ kind: string; data: { classId: string } }> }>(
      'GET',
      '/api/v1/notifications',
    );
    expect(inbox.items.some((x) => x.kind === 'class.rejected' && x.data.classId === c.id)).toBe(true);
  });

  it('[JS-11.1] [TM-1] a BullMQ delayed job reminds the class managers on the last filing day, only while the plan is unfiled', async () => {
    const first = chinaDate(9);
    const c = await createClass(planFor(w.instructorId, managerId, first));
    // The reminder went to the outbox with the draft; the worker's relay puts it in BullMQ (REL-2).
    const jobs = openJobQueue(t.app.core.db, t.config);
    await jobs.relayAll();
    const job = await jobs.queue.getJob(`filing-reminder_${c.current.id}`);
    expect(job?.name).toBe('filing.deadline-reminder');
    const due = china(addDays(first, -3), '09:00:00').getTime();
    expect(Math.abs(job!.timestamp + job!.opts.delay! - due)).toBeLessThan(60_000);

    // A real worker processes it now (promoted), as the worker service would on the day.
    const worker = createJobWorker(
      { redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX },
      {
        'filing.deadline-reminder': (p) => t.app.core.classes.remindFilingDeadline(p.classId, p.versionId),
        'audit.verify-chain': async () => null,
        'session.reminder': async () => null,
        'notification.deliver': async () => null,
        'recording.postprocess': async () => null,
        'rollcall.plan-day': async () => null,
        'exam.auto-submit': async () => null,
        'exam.mark': async () => null,
        'rollcall.fire': async () => null,
        'oversight.overdue-scan': async () => null,
      },
    );
    try {
      const done = new Promise<unknown>((resolve) =>
        worker.on('completed', (j, result) => j.id === job!.id && resolve(result)),
      );
      await job!.promote();
      expect(await done).toEqual({ reminded: 1 });
    } finally {
      await worker.close();
      await jobs.close();
    }
    const inbox = await w.as.manager.call<{
      items: Array<{ kind: string; title: { zh: string }; data: { classId: string } }>;
    }>('GET', '/api/v1/notifications');
    const reminder = inbox.items.find((x) => x.kind === 'filing.deadline' && x.data.classId === c.id);
    expect(reminder?.title.zh).toContain(addDays(first, -3));
    // Once filed, a second run reminds nobody.
    await file(c.id);
    expect(await t.app.core.classes.remindFilingDeadline(c.id, c.current.id)).toEqual({ reminded: 0 });
  });
});

describe('class contact group', () => {
  it('[JS-12] managers, instructors and enrolled trainees share a persisted class group; others cannot read it', async () => {
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/messages`, {
      body: { body: '各位学员请于开课前完成设备检测。' },
    });
    await w.as.instructor.call('POST', `/api/v1/classes/${w.classId}/messages`, {
      body: { body: '第一讲课件已上传。' },
    });
    const list = await w.as.admin.call<{ items: Array<{ body: string; authorRoles: string[] }> }>(
      'GET',
      `/api/v1/classes/${w.classId}/messages`,
    );
    expect(list.items.map((m) => m.body)).toEqual(['各位学员请于开课前完成设备检测。', '第一讲课件已上传。']);
    // The trainee of this institution is not on this class's roster.
    expect((await w.as.trainee.raw('GET', `/api/v1/classes/${w.classId}/messages`)).status).toBe(404);
    expect(
      (await w.as.officer.raw('POST', `/api/v1/classes/${w.classId}/messages`, { body: { body: 'x' } }))
        .status,
    ).toBe(403);
  });
});

describe('my classes', () => {
  it('[JS-12] an instructor lists the classes whose plan names them, and no others', async () => {
    const mine = await w.as.instructor.call<{ items: ClassSummary[] }>('GET', '/api/v1/me/classes');
    expect(mine.items.map((x) => x.id)).toContain(w.classId);
    expect(mine.items.every((x) => x.institutionId === w.institutionId)).toBe(true);
    const junior = await signIn(t.client, w.usernames.junior);
    const theirs = await junior.call<{ items: ClassSummary[] }>('GET', '/api/v1/me/classes');
    expect(theirs.items.map((x) => x.id)).not.toContain(w.classId);
    expect((await w.as.manager.raw('GET', '/api/v1/me/classes')).status).toBe(403);
  });
});
