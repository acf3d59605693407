import { createHash } from 'node:crypto';
import pino from 'pino';
import { ApiError, type Client } from '@seafarer/sdk';
import type { OversightItemView, SanctionView, ScoringView } from '@seafarer/contracts';
import { createJobQueue, createJobWorker } from '@seafarer/queue';
import { oversightOverdueJob } from '../services/worker/src/jobs/oversight-overdue';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { png } from './helpers/images';
import { addDays, chinaDate, createWorld, type World } from './helpers/world';

const clock = movableClock();
let t: TestApp;
let w: World;
let other: World;
beforeAll(async () => {
  t = await startTestApp({ LOG_LEVEL: 'error' }, { clock });
  w = await createWorld(t);
  other = await createWorld(t);
}, 120_000);
afterEach(() => clock.reset());
afterAll(() => t.close());

const items = (inst: string) => `/api/v1/institutions/${inst}/oversight-items`;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: ApiError) => ({ status: e.status, code: e.body.code, message: e.body.message }),
  );
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pdf = (v: string) => Buffer.from(`%PDF-1.4\n% correction ${v}\n%%EOF\n`);
type Inbox = { items: Array<{ kind: string; title: { zh: string }; data: Record<string, unknown> }> };
const inbox = (c: Client) => c.call<Inbox>('GET', '/api/v1/notifications');
const upload = (c: Client, inst: string, itemId: string, bytes: Buffer, type: string) =>
  c.call<{ id: string; sha256: string; mimeType: string }>('POST', `${items(inst)}/${itemId}/evidence`, {
    rawBody: bytes,
    headers: { 'content-type': type },
  });

describe('findings, corrections and decisions', () => {
  it('[JS-17] an officer records a finding with a deadline; the institution corrects it with evidence; the officer rejects then accepts', async () => {
    const deadline = chinaDate(7);
    const item = await w.as.officer.call<OversightItemView>('POST', items(w.institutionId), {
      body: {
        kind: 'finding',
        title: '直播教室未配备 UPS 电源',
        detail: '现场检查发现直播教室无 UPS，不满足连续 6 小时教学要求。',
        occurredOn: chinaDate(0),
        classId: w.classId,
        deadline,
      },
    });
    expect(item).toMatchObject({ status: 'open', deadline, daysLeft: 7, overdue: false, kind: 'finding' });
    // The institution sees it, and was told.
    const seen = await w.as.admin.call<{ items: OversightItemView[] }>('GET', items(w.institutionId));
    expect(seen.items.map((i) => i.id)).toContain(item.id);
    expect((await inbox(w.as.manager)).items.some((n) => n.data.itemId === item.id)).toBe(true);

    // The class manager uploads a photo (content-addressed) and submits the correction.
    const photo = png('ups-installed');
    const e1 = await upload(w.as.manager, w.institutionId, item.id, photo, 'image/png');
    expect(e1).toMatchObject({ sha256: sha(photo), mimeType: 'image/png' });
    const submitted = await w.as.manager.call<OversightItemView>(
      'POST',
      `${items(w.institutionId)}/${item.id}/corrections`,
      { body: { text: '已购置并安装 UPS 电源一台。', evidenceIds: [e1.id] } },
    );
    expect(submitted.status).toBe('correction_submitted');
    expect(submitted.corrections[0]!.evidence[0]).toMatchObject({ id: e1.id, sha256: sha(photo) });
    // One at a time: a second correction waits for the decision.
    expect(
      await refusal(
        w.as.admin.call('POST', `${items(w.institutionId)}/${item.id}/corrections`, {
          body: { text: '补充', evidenceIds: [] },
        }),
      ),
    ).toMatchObject({ status: 409, code: 'CONFLICT', message: { zh: expect.stringContaining('待审核') } });
    // The officer was told, and reads the evidence as stored.
    expect(
      (await inbox(w.as.officer)).items.some(
        (n) => n.kind === 'oversight.correction_submitted' && n.data.itemId === item.id,
      ),
    ).toBe(true);
    const file = await w.as.officer.blob('GET', `/api/v1/evidence/${e1.id}`);
    expect(sha(new Uint8Array(await file.blob.arrayBuffer()))).toBe(sha(photo));

    const correction1 = submitted.corrections[0]!.id;
    const rejected = await w.as.officer.call<OversightItemView>(
      'POST',
      `${items(w.institutionId)}/${item.id}/corrections/${correction1}/decision`,
      { body: { decision: 'rejected', note: '未提供 UPS 续航测试记录' } },
    );
    expect(rejected.status).toBe('open');
    expect(rejected.corrections[0]).toMatchObject({ decision: 'rejected', decidedByName: '海事检查员' });
    expect(
      (await inbox(w.as.admin)).items.some(
        (n) => n.kind === 'oversight.correction_rejected' && n.data.itemId === item.id,
      ),
    ).toBe(true);
    // Decided once.
    expect(
      await refusal(
        w.as.officer.call(
          'POST',
          `${items(w.institutionId)}/${item.id}/corrections/${correction1}/decision`,
          {
            body: { decision: 'accepted', note: 'x' },
          },
        ),
      ),
    ).toMatchObject({ status: 409, code: 'CONFLICT' });

    const report = pdf('ups-test');
    const e2 = await upload(w.as.admin, w.institutionId, item.id, report, 'application/pdf');
    const again = await w.as.admin.call<OversightItemView>(
      'POST',
      `${items(w.institutionId)}/${item.id}/corrections`,
      { body: { text: '补充 UPS 续航测试记录（6.5 小时）。', evidenceIds: [e2.id, e1.id] } },
    );
    const accepted = await w.as.officer.call<OversightItemView>(
      'POST',
      `${items(w.institutionId)}/${item.id}/corrections/${again.corrections[1]!.id}/decision`,
      { body: { decision: 'accepted', note: '整改到位' } },
    );
    expect(accepted).toMatchObject({ status: 'accepted', overdue: false });
    expect(accepted.corrections.map((c) => c.decision)).toEqual(['rejected', 'accepted']);
    expect(accepted.corrections[1]!.evidence.map((e) => e.mimeType)).toEqual([
      'application/pdf',
      'image/png',
    ]);

    // Every act audited.
    const audit = await w.as.officer.institutions.auditEvents(w.institutionId, { limit: 200 });
    const actions = audit.items.filter((e) => e.targetId === item.id).map((e) => e.action);
    for (const a of [
      'oversight.item_recorded',
      'oversight.evidence_uploaded',
      'oversight.correction_submitted',
      'oversight.correction_rejected',
      'oversight.correction_accepted',
    ])
      expect(actions).toContain(a);
  });

  it('[JS-17] bad input is refused with a code and changes nothing: a deadline before the day, evidence of another institution, a text file', async () => {
    expect(
      await refusal(
        w.as.officer.call('POST', items(w.institutionId), {
          body: {
            kind: 'complaint',
            title: 'x',
            detail: 'y',
            occurredOn: chinaDate(0),
            deadline: chinaDate(-1),
          },
        }),
      ),
    ).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(
      await refusal(
        w.as.officer.call('POST', items(w.institutionId), {
          body: {
            kind: 'complaint',
            title: 'x',
            detail: 'y',
            occurredOn: chinaDate(0),
            classId: other.classId,
          },
        }),
      ),
    ).toMatchObject({ status: 400, code: 'VALIDATION' });
    const item = await w.as.officer.call<OversightItemView>('POST', items(w.institutionId), {
      body: { kind: 'complaint', title: '学员投诉课时不足', detail: '核实属实', occurredOn: chinaDate(0) },
    });
    const theirs = await other.as.officer.call<OversightItemView>('POST', items(other.institutionId), {
      body: { kind: 'finding', title: '他处缺陷', detail: '—', occurredOn: chinaDate(0) },
    });
    const foreign = await upload(other.as.admin, other.institutionId, theirs.id, png('foreign'), 'image/png');
    expect(
      await refusal(
        w.as.admin.call('POST', `${items(w.institutionId)}/${item.id}/corrections`, {
          body: { text: '借用他人证据', evidenceIds: [foreign.id] },
        }),
      ),
    ).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(
      await refusal(
        w.as.admin.call('POST', `${items(w.institutionId)}/${item.id}/evidence`, {
          rawBody: Buffer.from('%PNG not really'),
          headers: { 'content-type': 'image/png' },
        }),
      ),
    ).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const after = await w.as.admin.call<{ items: OversightItemView[] }>('GET', items(w.institutionId));
    expect(after.items.find((i) => i.id === item.id)).toMatchObject({ status: 'open', corrections: [] });
  });
});

describe('overdue rectifications', () => {
  it('[JS-17] the overdue job flags a passed deadline once and notifies', async () => {
    const today = chinaDate(0);
    const deadline = addDays(today, 1);
    const item = await w.as.officer.call<OversightItemView>('POST', items(w.institutionId), {
      body: {
        kind: 'finding',
        title: '考勤记录缺失',
        detail: '抽查发现 3 月考勤记录缺失',
        occurredOn: today,
        deadline,
      },
    });
    const producer = createJobQueue({ redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX });
    const log = pino({ level: 'silent' });
    const results: unknown[] = [];
    const worker = createJobWorker(
      { redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX },
      {
        'oversight.overdue-scan': async (p) => {
          const r = await oversightOverdueJob(t.app.core, p, log);
          results.push(r);
          return r;
        },
        'audit.verify-chain': async () => null,
        'filing.deadline-reminder': async () => null,
        'session.reminder': async () => null,
        'notification.deliver': async () => null,
        'recording.postprocess': async () => null,
        'rollcall.plan-day': async () => null,
        'exam.auto-submit': async () => null,
        'exam.mark': async () => null,
        'rollcall.fire': async () => null,
      },
    );
    const run = async (key: string) => {
      const done = new Promise<unknown>((resolve, reject) => {
        worker.on('completed', (j, r) => j.id === `overdue_${key}` && resolve(r));
        worker.on('failed', (j, err) => j?.id === `overdue_${key}` && reject(err));
      });
      await producer.publish('oversight.overdue-scan', { scheduledFor: key }, { jobId: `overdue:${key}` });
      return done;
    };
    try {
      // On the deadline day itself: not overdue.
      clock.set(china(deadline, '23:59:00'));
      expect(await run(`a-${item.id}`)).toEqual({ flagged: 0 });
      // The next morning (China time), the scheduled scan flags it; a second scan does not again.
      clock.set(china(addDays(deadline, 1), '06:00:00'));
      expect(await run(`b-${item.id}`)).toEqual({ flagged: 1 });
      expect(await run(`c-${item.id}`)).toEqual({ flagged: 0 });
    } finally {
      clock.reset();
      await worker.close();
      await producer.close();
    }
    const notes = (await inbox(w.as.officer)).items.filter(
      (n) => n.kind === 'oversight.overdue' && n.data.itemId === item.id,
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.title.zh).toContain('整改已逾期');
    expect(
      (await inbox(w.as.admin)).items.filter(
        (n) => n.kind === 'oversight.overdue' && n.data.itemId === item.id,
      ),
    ).toHaveLength(1);
    const listed = await w.as.admin.call<{ items: OversightItemView[] }>('GET', items(w.institutionId));
    expect(listed.items.find((i) => i.id === item.id)!.overdueAt).not.toBeNull();
    clock.set(china(addDays(deadline, 2), '09:00:00'));
    const overdue = await w.as.officer.call<{ items: OversightItemView[] }>(
      'GET',
      '/api/v1/oversight-items',
      {
        query: { overdue: 'true' },
      },
    );
    clock.reset();
    expect(overdue.items.map((i) => i.id)).toContain(item.id);
    expect(overdue.items.every((i) => i.overdue)).toBe(true);
    const other_ = overdue.items.find((i) => i.id === item.id)!;
    expect(other_.daysLeft).toBe(-2);
  });
});

describe('sanctions', () => {
  it('[JS-17] order correction needs a deadline; suspend and restore follow; the history is kept and the institution told', async () => {
    const s = `/api/v1/institutions/${w.institutionId}/sanctions`;
    expect(
      await refusal(w.as.officer.call('POST', s, { body: { kind: 'order_correction', reason: '管理混乱' } })),
    ).toMatchObject({ status: 400, code: 'VALIDATION' });
    const order = await w.as.officer.call<SanctionView>('POST', s, {
      body: { kind: 'order_correction', reason: '培训管理混乱，限期整改', deadline: chinaDate(30) },
    });
    expect(order).toMatchObject({ kind: 'order_correction', qualificationTo: 'rectification' });
    expect((await w.as.admin.institutions.get(w.institutionId)).onlineQualification).toBe('rectification');
    // Under correction the institution still teaches online (the qualification stands until suspended).
    expect((await w.as.manager.items.eligibility(w.theoryItemId)).eligible).toBe(true);
    await w.as.officer.call('POST', s, { body: { kind: 'suspend', reason: '逾期未整改' } });
    expect((await w.as.manager.items.eligibility(w.theoryItemId)).reasons.map((r) => r.code)).toEqual([
      'NOT_QUALIFIED_ONLINE',
    ]);
    expect(
      await refusal(w.as.officer.call('POST', s, { body: { kind: 'suspend', reason: '再次暂停' } })),
    ).toMatchObject({ status: 409, code: 'CONFLICT', message: { zh: expect.stringContaining('暂停') } });
    await w.as.officer.call('POST', s, { body: { kind: 'restore', reason: '整改完成，恢复资格' } });
    const history = await w.as.admin.call<{ items: SanctionView[] }>('GET', s);
    expect(history.items.map((x) => x.kind)).toEqual(['restore', 'suspend', 'order_correction']);
    expect(history.items[0]).toMatchObject({ qualificationFrom: 'suspended', qualificationTo: 'qualified' });
    const told = (await inbox(w.as.admin)).items.map((n) => n.kind);
    expect(told).toEqual(
      expect.arrayContaining(['oversight.sanction_order_correction', 'oversight.sanction_suspend']),
    );
    const changes = await w.as.officer.institutions.auditEvents(w.institutionId, {
      action: 'institution.qualification_changed',
    });
    expect(changes.items[0]).toMatchObject({ data: { from: 'suspended', to: 'qualified', kind: 'restore' } });
  });
});

describe('scoring', () => {
  it('[QM-4] scoring follows seed 004 3.1–3.3 (route)', async () => {
    const x = await createWorld(t);
    const rec = (body: Record<string, unknown>) =>
      x.as.officer.call<OversightItemView>('POST', items(x.institutionId), {
        body: { title: '记录', detail: '核实属实', occurredOn: chinaDate(-10), ...body },
      });
    const score = () =>
      x.as.admin.call<ScoringView>('GET', `/api/v1/institutions/${x.institutionId}/scoring`);
    const clean = await score();
    expect(clean).toMatchObject({ points: 12, maxPoints: 12 });
    expect(clean.indicators[0]).toMatchObject({
      id: '3.1',
      points: 4,
      windowTo: chinaDate(0),
      windowFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      rule: { zh: expect.stringContaining('未发现缺陷计4分') },
    });
    await rec({ kind: 'finding' });
    await rec({ kind: 'finding' });
    // Older than 3 years: outside the window.
    await rec({ kind: 'finding', occurredOn: addDays(chinaDate(0), -3 * 366) });
    await rec({ kind: 'complaint' });
    for (let i = 0; i < 3; i++) await rec({ kind: 'exam_violation', classId: x.classId });
    const s = await score();
    expect(s.indicators.map((i) => [i.id, i.count, i.points])).toEqual([
      ['3.1', 2, 2],
      ['3.2', 1, 2],
      ['3.3', 3, 0],
    ]);
    expect(s.points).toBe(4);
    expect(s.indicators[2]!.because.zh).toContain('一场考试');
  });
});

describe('who may', () => {
  it("[JS-17] [SEC-1] an officer of another jurisdiction, a trainee and another institution's admin are refused (coded 403/404)", async () => {
    const item = await w.as.officer.call<OversightItemView>('POST', items(w.institutionId), {
      body: { kind: 'exam_violation', title: '考生夹带', detail: '—', occurredOn: chinaDate(0) },
    });
    const body = { kind: 'finding', title: 'x', detail: 'y', occurredOn: chinaDate(0) };
    const nf = { status: 404, code: 'NOT_FOUND' };
    expect(await refusal(other.as.officer.call('GET', items(w.institutionId)))).toMatchObject(nf);
    expect(await refusal(other.as.officer.call('POST', items(w.institutionId), { body }))).toMatchObject(nf);
    expect(
      await refusal(
        other.as.officer.call('POST', `/api/v1/institutions/${w.institutionId}/sanctions`, {
          body: { kind: 'revoke', reason: 'x' },
        }),
      ),
    ).toMatchObject(nf);
    expect(
      await refusal(other.as.officer.call('GET', `/api/v1/institutions/${w.institutionId}/scoring`)),
    ).toMatchObject(nf);
    // The other officer's own list does not hold it.
    const theirs = await other.as.officer.call<{ items: OversightItemView[] }>(
      'GET',
      '/api/v1/oversight-items',
    );
    expect(theirs.items.map((i) => i.id)).not.toContain(item.id);

    expect(await refusal(other.as.admin.call('GET', items(w.institutionId)))).toMatchObject(nf);
    expect(
      await refusal(
        other.as.admin.call('POST', `${items(w.institutionId)}/${item.id}/corrections`, {
          body: { text: 'x', evidenceIds: [] },
        }),
      ),
    ).toMatchObject(nf);
    // An item named under the wrong institution is not found either.
    expect(
      await refusal(
        other.as.admin.call('POST', `${items(other.institutionId)}/${item.id}/corrections`, {
          body: { text: 'x', evidenceIds: [] },
        }),
      ),
    ).toMatchObject(nf);

    const forbidden = { status: 403, code: 'FORBIDDEN' };
    expect(await refusal(w.as.trainee.call('GET', items(w.institutionId)))).toMatchObject(forbidden);
    expect(
      await refusal(w.as.trainee.call('GET', `/api/v1/institutions/${w.institutionId}/scoring`)),
    ).toMatchObject(forbidden);
    // The institution cannot record against itself, nor decide its own correction, nor sanction.
    expect(await refusal(w.as.admin.call('POST', items(w.institutionId), { body }))).toMatchObject(forbidden);
    expect(
      await refusal(
        w.as.admin.call('POST', `/api/v1/institutions/${w.institutionId}/sanctions`, {
          body: { kind: 'restore', reason: 'x' },
        }),
      ),
    ).toMatchObject(forbidden);
  });
});
