import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { ClassEvaluationView, EvaluationFormView, SponsorInvitationCreated } from '@seafarer/contracts';
import { evaluationParticipation, evaluationResponses, evaluationSurveys } from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { confirmedClass, type ConfirmedClass } from './helpers/cluster';
import { addDays, chinaDate, createWorld, type World } from './helpers/world';

/**
 * JS-7.1 / JS-14: the course evaluation of a class through HTTP — opened by the class manager after the
 * last session, answered once by each trainee of the roster without their account on the answer, and
 * the sending company's survey answered once through its invitation link, without an account.
 */
let t: TestApp;
let klass: ConfirmedClass;
let other: World;
let w: World;
const clock = movableClock();
let ids: string[];
let lastDay: string;
let second: ConfirmedClass;
const base = (id = klass.classId) => `/api/v1/classes/${id}`;
const form = (id = klass.classId) => `/api/v1/me/classes/${id}/evaluation`;

/** A complete answer: course ratings, the one instructor of the class, a comment. */
const answer = (overall: number, comment = '', instructorRating = 4) => ({
  ratings: { content: 4, teaching: 5, platform: 3, overall },
  instructors: [{ instructorId: w.instructorId, ratings: { teaching: instructorRating } }],
  comment,
});

beforeAll(async () => {
  t = await startTestApp(
    {
      ACCESS_TOKEN_TTL_SECONDS: String(60 * 86_400),
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
    },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'EV', name: '评价测试班', rosterSeed: 810 });
  w = klass.w;
  other = await createWorld(t);
  clock.reset();
  second = await confirmedClass(t, clock, { code: 'EV2', name: '评价测试班二', rosterSeed: 840 });
  ids = (await Promise.all(klass.trainees.map((c) => c.auth.me()))).map((m) => m.accountId);
  lastDay = addDays(chinaDate(8), 3);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('course evaluation', () => {
  it('[JS-7.1] [JS-14] a trainee evaluates a class once, anonymously', async () => {
    const [a, b, c] = klass.trainees as [Client, Client, Client];
    // Before the last session has ended nothing can be opened; the trainee's form says "not open".
    clock.set(china(lastDay, '12:00:00'));
    const early = await w.as.manager.raw('POST', `${base()}/evaluations`, { body: {} });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'PRECONDITION_FAILED', details: { reason: 'class_not_ended' } });
    expect((early.body as { message: { zh: string; en: string } }).message.zh).toContain('结束后');
    const notYet = await a.call<EvaluationFormView>('GET', form());
    expect(notYet.state).toBe('not_open');
    expect((await a.raw('POST', form(), { body: answer(5) })).status).toBe(422);

    clock.set(china(lastDay, '13:00:00'));
    const opened = await w.as.manager.call<ClassEvaluationView>('POST', `${base()}/evaluations`, {
      body: { days: 7 },
    });
    expect(opened.trainee).toMatchObject({ status: 'open', responses: 0, invited: 3 });
    expect((await w.as.manager.raw('POST', `${base()}/evaluations`, { body: {} })).body).toMatchObject({
      code: 'CONFLICT',
    });

    // The trainee's form: the questionnaire from the API, the class's instructor, the anonymity notice.
    const f = await a.call<EvaluationFormView>('GET', form());
    expect(f.state).toBe('open');
    expect(f.questions.map((q) => q.key)).toEqual(['content', 'teaching', 'platform', 'overall']);
    expect(f.scale).toHaveLength(5);
    expect(f.instructors).toEqual([{ accountId: w.instructorId, name: '资深教员' }]);
    expect(f.notice.zh).toContain('匿名');

    const first = await a.call<{ state: string; answeredOn: string }>('POST', form(), {
      body: answer(5, '案例很实用 useful cases'),
    });
    expect(first).toMatchObject({ ok: true, state: 'answered', answeredOn: lastDay });
    // A second answer is refused, coded, and changes nothing.
    const again = await a.raw('POST', form(), { body: answer(1, 'second try') });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', details: { reason: 'already_answered' } });
    expect((await a.call<EvaluationFormView>('GET', form())).state).toBe('answered');

    // Small n: with one response the instructor's figures are not given.
    let r = await w.as.manager.call<ClassEvaluationView>('GET', `${base()}/evaluations`);
    expect(r.trainee!.responses).toBe(1);
    expect(r.trainee!.instructors[0]).toMatchObject({ responses: 1, shown: false, questions: [] });
    expect(r.trainee!.instructors[0]!.notice!.zh).toContain('至少 3 份');

    await b.call('POST', form(), { body: answer(4, '', 5) });
    await c.call('POST', form(), { body: answer(2, '网络有时卡顿 the stream stalled at times', 3) });
    r = await w.as.manager.call<ClassEvaluationView>('GET', `${base()}/evaluations`);
    const tr = r.trainee!;
    expect(tr.responses).toBe(3);
    expect(tr.questions.find((q) => q.key === 'overall')).toMatchObject({ mean: 3.67, count: 3 });
    expect(tr.satisfactionPct).toBe(66.7);
    expect(tr.satisfiedCount).toBe(2);
    expect(tr.instructors[0]).toMatchObject({ responses: 3, shown: true, satisfactionPct: 66.7 });
    expect(tr.instructors[0]!.questions[0]).toMatchObject({ key: 'teaching', mean: 4 });
    expect(tr.comments).toEqual(
      expect.arrayContaining(['案例很实用 useful cases', '网络有时卡顿 the stream stalled at times']),
    );
    expect(r.definitions.map((d) => d.zh).join()).toContain('满意率');

    // The stored answers carry no account: the table has no such column and no value names a trainee.
    const columns = await t.app.core.db.execute(
      sql`select column_name from information_schema.columns where table_name = 'evaluation_responses' order by column_name`,
    );
    expect(columns.rows.map((x) => x.column_name)).toEqual([
      'comment',
      'id',
      'instructor_id',
      'ratings',
      'submitted_on',
      'survey_id',
    ]);
    const rows = await t.app.core.db
      .select()
      .from(evaluationResponses)
      .innerJoin(evaluationSurveys, eq(evaluationSurveys.id, evaluationResponses.surveyId))
      .where(eq(evaluationSurveys.classId, klass.classId));
    expect(rows).toHaveLength(6); // 3 course answers + 3 answers on the one instructor
    for (const id of ids) expect(JSON.stringify(rows.map((x) => x.evaluation_responses))).not.toContain(id);
    // Who answered is kept apart, once each.
    const part = await t.app.core.db
      .select({ accountId: evaluationParticipation.accountId })
      .from(evaluationParticipation)
      .where(eq(evaluationParticipation.surveyId, tr.surveyId));
    expect(part.map((p) => p.accountId).sort()).toEqual([...ids].sort());

    // The instructor cannot read the results at all; the manager's view names no trainee.
    const asInstructor = await w.as.instructor.raw('GET', `${base()}/evaluations`);
    expect(asInstructor.status).toBe(403);
    const text = JSON.stringify(r);
    for (const id of ids) expect(text).not.toContain(id);
    for (const s of klass.issued) {
      expect(text).not.toContain(s.username);
      expect(text).not.toContain(s.name);
    }
    // The trainee's home lists the evaluation as answered.
    const mine = await a.call<{ items: Array<{ classId: string; state: string }> }>(
      'GET',
      '/api/v1/me/evaluations',
    );
    expect(mine.items).toEqual([expect.objectContaining({ classId: klass.classId, state: 'answered' })]);
  });

  it('[JS-14] a sponsor answers through its invitation link once', async () => {
    const inv = await w.as.manager.call<SponsorInvitationCreated>('POST', `${base()}/sponsor-invitations`, {
      body: { sponsorName: '中远海运船员管理有限公司' },
    });
    expect(inv.link).toBe(`evaluate.html?token=${inv.token}`);
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the SHA-256 of the token is stored.
    const [p] = await t.app.core.db
      .select()
      .from(evaluationParticipation)
      .where(eq(evaluationParticipation.id, inv.id));
    expect(p!.tokenSha256).toBe(createHash('sha256').update(inv.token).digest('hex'));
    expect(JSON.stringify(p)).not.toContain(inv.token);
    // One invitation per company.
    const dup = await w.as.manager.raw('POST', `${base()}/sponsor-invitations`, {
      body: { sponsorName: '中远海运船员管理有限公司' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'CONFLICT', details: { reason: 'already_invited' } });

    // No account: the form and the answer through the token alone.
    const anon = t.client;
    const f = await anon.call<EvaluationFormView>('GET', '/api/v1/sponsor-evaluation', {
      query: { token: inv.token },
    });
    expect(f).toMatchObject({ kind: 'sponsor', state: 'open', sponsorName: '中远海运船员管理有限公司' });
    expect(f.questions.map((q) => q.key)).toEqual(['relevance', 'organisation', 'outcome', 'overall']);
    const sent = await anon.call('POST', '/api/v1/sponsor-evaluation', {
      body: {
        token: inv.token,
        ratings: { relevance: 5, organisation: 4, outcome: 5, overall: 5 },
        comment: '希望增加实操案例',
      },
    });
    expect(sent).toMatchObject({ ok: true, state: 'answered' });
    const again = await anon.raw('POST', '/api/v1/sponsor-evaluation', {
      body: { token: inv.token, ratings: { relevance: 1, organisation: 1, outcome: 1, overall: 1 } },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', details: { reason: 'already_answered' } });
    expect(
      (
        await anon.call<EvaluationFormView>('GET', '/api/v1/sponsor-evaluation', {
          query: { token: inv.token },
        })
      ).state,
    ).toBe('answered');
    // A made-up token: coded 404 with the zh/en message; a malformed one: 400.
    const bad = await anon.raw('GET', '/api/v1/sponsor-evaluation', { query: { token: 'x'.repeat(43) } });
    expect(bad.status).toBe(404);
    expect((bad.body as { message: { zh: string } }).message.zh).toContain('链接无效');
    expect((await anon.raw('GET', '/api/v1/sponsor-evaluation', { query: { token: 'a b' } })).status).toBe(
      400,
    );

    const r = await w.as.manager.call<ClassEvaluationView>('GET', `${base()}/evaluations`);
    expect(r.sponsor).toMatchObject({ responses: 1, invited: 1, satisfactionPct: 100 });
    expect(r.sponsor!.comments).toEqual(['希望增加实操案例']);
    expect(r.invitations).toEqual([
      expect.objectContaining({ sponsorName: '中远海运船员管理有限公司', answered: true }),
    ]);
    const sponsorRows = await t.app.core.db
      .select()
      .from(evaluationResponses)
      .where(eq(evaluationResponses.surveyId, r.sponsor!.surveyId));
    expect(sponsorRows).toHaveLength(1);
  });

  it('[JS-14] refusals: another institution 404, a trainee not on the roster, bad input coded', async () => {
    const [a] = klass.trainees as [Client];
    // Another institution's manager and trainee: the class does not exist for them.
    expect((await other.as.manager.raw('GET', `${base()}/evaluations`)).status).toBe(404);
    expect(
      (
        await other.as.manager.raw('POST', `${base()}/sponsor-invitations`, {
          body: { sponsorName: '某公司' },
        })
      ).status,
    ).toBe(404);
    expect((await other.as.trainee.raw('GET', form())).status).toBe(404);
    expect((await other.as.trainee.raw('POST', form(), { body: answer(5) })).status).toBe(404);
    // The world's own trainee is not on this class's roster: refused too.
    expect((await w.as.trainee.raw('POST', form(), { body: answer(5) })).status).toBe(404);
    // Trainees and instructors do not open surveys or invite sponsors.
    expect((await a.raw('POST', `${base()}/evaluations`, { body: {} })).status).toBe(403);
    expect(
      (
        await w.as.instructor.raw('POST', `${base()}/sponsor-invitations`, {
          body: { sponsorName: '某公司' },
        })
      ).status,
    ).toBe(403);

    // Bad answers: coded VALIDATION with zh/en, nothing stored (checked on a fresh class's open survey).
    clock.set(china(addDays(chinaDate(8), 3), '13:00:00'));
    await second.w.as.manager.call('POST', `${base(second.classId)}/evaluations`, { body: {} });
    const [x] = second.trainees as [Client];
    const f2 = form(second.classId);
    const good = {
      ratings: { content: 4, teaching: 4, platform: 4, overall: 4 },
      instructors: [{ instructorId: second.w.instructorId, ratings: { teaching: 4 } }],
    };
    const cases: Array<[unknown, number, string]> = [
      [{ ...good, ratings: { content: 4, teaching: 4, platform: 4 } }, 400, 'VALIDATION'],
      [{ ...good, ratings: { ...good.ratings, overall: 6 } }, 400, 'VALIDATION'],
      [{ ...good, ratings: { ...good.ratings, mood: 3 } }, 400, 'VALIDATION'],
      [{ ...good, instructors: [] }, 400, 'VALIDATION'],
      [
        { ...good, instructors: [{ instructorId: second.w.juniorInstructorId, ratings: { teaching: 4 } }] },
        400,
        'VALIDATION',
      ],
      [{ ...good, comment: 'a\u0000b' }, 400, 'VALIDATION'],
      [{ ...good, extra: 1 }, 400, 'VALIDATION'],
    ];
    for (const [body, status, code] of cases) {
      const res = await x.raw('POST', f2, { body });
      expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({ status, code });
      expect((res.body as { message: { zh: string; en: string } }).message.zh).toBeTruthy();
    }
    const r2 = await second.w.as.manager.call<ClassEvaluationView>(
      'GET',
      `${base(second.classId)}/evaluations`,
    );
    expect(r2.trainee!.responses).toBe(0);
    expect((await x.call<EvaluationFormView>('GET', f2)).state).toBe('open');
    // After the survey is closed nothing more is taken.
    await second.w.as.manager.call(
      'POST',
      `${base(second.classId)}/evaluations/${r2.trainee!.surveyId}/close`,
    );
    const late = await x.raw('POST', f2, { body: good });
    expect(late.status).toBe(422);
    // A survey of one class named under another: 404.
    expect(
      (await w.as.manager.raw('POST', `${base()}/evaluations/${r2.trainee!.surveyId}/close`)).status,
    ).toBe(404);
    // Bad invitation input.
    const badInv = await w.as.manager.raw('POST', `${base()}/sponsor-invitations`, {
      body: { sponsorName: ' ' },
    });
    expect(badInv.status).toBe(400);
    expect(badInv.body).toMatchObject({ code: 'VALIDATION' });
  });
});
