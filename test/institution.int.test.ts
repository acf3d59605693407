import { ApiError } from '@seafarer/sdk';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, type World } from './helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
});
afterAll(() => t.close());

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
    return null;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { status: e.status, code: e.body.code, zh: e.body.message.zh, en: e.body.message.en };
  }
};

describe('licence, training items and online-training qualification', () => {
  it('[JS-3] a qualified institution may run its licensed theory item online', async () => {
    const e = await w.as.manager.items.eligibility(w.theoryItemId);
    expect(e).toEqual({ itemId: w.theoryItemId, eligible: true, reasons: [] });
  });

  it('[JS-2] a practical item is never eligible for online teaching', async () => {
    const e = await w.as.manager.items.eligibility(w.practicalItemId);
    expect(e.eligible).toBe(false);
    expect(e.reasons.map((r) => r.code)).toEqual(['PRACTICAL_ITEM_NOT_ONLINE']);
  });

  it('[JS-3] an item outside the licence period is refused on that date', async () => {
    const e = await w.as.manager.items.eligibility(w.theoryItemId, '2099-01-01');
    expect(e.reasons.map((r) => r.code)).toEqual(['ITEM_NOT_LICENSED']);
  });

  it('[JS-3] [JS-17] once the authority revokes the qualification, every item is refused; restoring it re-opens them', async () => {
    const after = await w.as.officer.institutions.setQualification(w.institutionId, {
      status: 'revoked',
      note: '检查发现问题，撤销线上培训资格',
    });
    expect(after.onlineQualification).toBe('revoked');
    const e = await w.as.manager.items.eligibility(w.theoryItemId);
    expect(e.eligible).toBe(false);
    expect(e.reasons[0]).toMatchObject({
      code: 'NOT_QUALIFIED_ONLINE',
      message: { zh: expect.stringContaining('线上培训资格') },
    });
    const changes = await w.as.admin.institutions.auditEvents(w.institutionId, {
      action: 'institution.qualification_changed',
    });
    expect(changes.items[0]).toMatchObject({ data: { from: 'qualified', to: 'revoked' } });

    await w.as.officer.institutions.setQualification(w.institutionId, {
      status: 'qualified',
      note: '整改完成，恢复资格',
    });
    expect((await w.as.manager.items.eligibility(w.theoryItemId)).eligible).toBe(true);
  });

  it('[JS-3] a revoked licence takes its items out of online eligibility', async () => {
    const other = await w.as.admin.institutions.createLicence(w.institutionId, {
      number: `REV-${w.code}`,
      issuedOn: '2024-01-01',
      expiresOn: '2030-12-31',
    });
    const item = await w.as.admin.licences.createItem(other.id, {
      code: 'Z09',
      nameZh: '精通急救',
      nameEn: 'Medical first aid',
      kind: 'theory',
      licensedScale: 40,
      syllabusHours: 24,
      syllabusVersion: '2021',
    });
    expect((await w.as.manager.items.eligibility(item.id)).eligible).toBe(true);
    await w.as.admin.licences.update(other.id, { status: 'revoked' });
    expect((await w.as.manager.items.eligibility(item.id)).reasons.map((r) => r.code)).toEqual([
      'ITEM_NOT_LICENSED',
    ]);
  });

  it('[JS-3] only the authority or the platform changes qualification, never the institution itself', async () => {
    const r = await refusal(
      w.as.admin.institutions.setQualification(w.institutionId, {
        status: 'qualified',
        note: 'self-service',
      }),
    );
    expect(r).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('instructor qualification', () => {
  it('[JS-9] records teaching-since and certificates and says whether the standard is met', async () => {
    const staff = await w.as.admin.call<{
      items: Array<{
        accountId: string;
        teachingYears: number | null;
        meetsTeachingStandard: boolean;
        certificates: unknown[];
      }>;
    }>('GET', `/api/v1/institutions/${w.institutionId}/staff`);
    const senior = staff.items.find((s) => s.accountId === w.instructorId)!;
    const junior = staff.items.find((s) => s.accountId === w.juniorInstructorId)!;
    expect(senior).toMatchObject({ teachingYears: 5, meetsTeachingStandard: true });
    expect(senior.certificates).toHaveLength(1);
    expect(junior).toMatchObject({ teachingYears: 1, meetsTeachingStandard: false });
  });

  it('[JS-9] an instructor with 3+ years is assigned to an item', async () => {
    const a = await w.as.admin.items.assignInstructor(w.theoryItemId, { accountId: w.instructorId });
    expect(a).toMatchObject({ accountId: w.instructorId, overridden: false });
  });

  it('[JS-9] an instructor under 3 years is refused without an override, and nothing is assigned', async () => {
    const r = await refusal(
      w.as.admin.items.assignInstructor(w.theoryItemId, { accountId: w.juniorInstructorId }),
    );
    expect(r).toMatchObject({
      status: 422,
      code: 'INSTRUCTOR_UNQUALIFIED',
      zh: expect.stringContaining('3 年'),
    });
    const list = await w.as.admin.items.instructors(w.theoryItemId);
    expect(list.items.map((i) => i.accountId)).not.toContain(w.juniorInstructorId);
  });

  it('[JS-9] an explicit override with a reason assigns them, and the override is audited as such', async () => {
    const reason = '该教员具有 10 年远洋船长经历，经培训机构负责人批准';
    const a = await w.as.admin.items.assignInstructor(w.theoryItemId, {
      accountId: w.juniorInstructorId,
      override: { reason },
    });
    expect(a).toMatchObject({ overridden: true, overrideReason: reason });
    const events = await w.as.officer.institutions.auditEvents(w.institutionId, {
      action: 'instructor.assigned_with_override',
    });
    expect(events.items[0]).toMatchObject({
      targetId: w.theoryItemId,
      data: { instructorAccountId: w.juniorInstructorId, overrideReason: reason },
    });
  });

  it('[JS-9] a too-short override reason is a validation error, not an override', async () => {
    const r = await refusal(
      w.as.admin.items.assignInstructor(w.practicalItemId, {
        accountId: w.juniorInstructorId,
        override: { reason: 'ok' },
      }),
    );
    expect(r).toMatchObject({ status: 400, code: 'VALIDATION' });
  });
});
