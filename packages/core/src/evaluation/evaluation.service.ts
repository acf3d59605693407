import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type {
  ClassEvaluationView,
  EvaluationAnswerResult,
  EvaluationFormState,
  EvaluationFormView,
  EvaluationInstructorResult,
  InstitutionEvaluationView,
  LocalizedText,
  MyEvaluationsView,
  OpenSurveyBody,
  QualityPeriodQuery,
  SponsorAnswerBody,
  SponsorInvitationBody,
  SponsorInvitationCreated,
  SurveyKind,
  SurveyResultsView,
  TraineeAnswerBody,
} from '@seafarer/contracts';
import {
  accounts,
  classes,
  evaluationParticipation,
  evaluationResponses,
  evaluationSurveys,
  people,
  rosterEntries,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { formatChinaMinute } from '../filing/china-time';
import { shanghaiDate, type Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import {
  classesEndingIn,
  classFacts,
  classInstructors,
  invitationsOf,
  responsesOf,
  rosterAccounts,
  surveyOf,
  type ClassFacts,
  type ResponseRow,
  type SurveyRow,
} from './evaluation.repo';
import { resolvePeriod } from './period';
import {
  ANONYMITY_NOTICE,
  checkRatings,
  COMMENT_MAX_LENGTH,
  INSTRUCTOR_MIN_RESPONSES,
  INSTRUCTOR_QUESTIONS,
  pct,
  questionMeans,
  questionsOf,
  SATISFACTION_DEFINITION,
  satisfiedCount,
  SCALE,
  SMALL_N_NOTICE,
  SPONSOR_QUESTIONS,
  TRAINEE_QUESTIONS,
} from './questionnaire';

type AuthedCtx = Ctx & { actor: Actor };

const DAY_MS = 86_400_000;
const TRAINEE_DAYS = 14;
const SPONSOR_DAYS = 30;

export const FORM_STATE_LABELS: Readonly<Record<EvaluationFormState, LocalizedText>> = {
  not_open: { zh: '评价尚未开启', en: 'Not open yet' },
  open: { zh: '评价进行中', en: 'Open' },
  closed: { zh: '评价已结束', en: 'Closed' },
  answered: { zh: '已提交评价，感谢参与', en: 'Answered, thank you' },
};
const KIND_LABELS: Readonly<Record<SurveyKind, LocalizedText>> = {
  trainee: { zh: '学员课程评价', en: 'Trainee course evaluation' },
  sponsor: { zh: '送培单位满意度调查', en: 'Sponsor satisfaction survey' },
};
const STATUS_LABELS: Readonly<Record<'open' | 'closed', LocalizedText>> = {
  open: { zh: '进行中', en: 'Open' },
  closed: { zh: '已结束', en: 'Closed' },
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const NOT_ENDED: LocalizedText = {
  zh: '班级最后一个课次结束后才能开启评价',
  en: 'The evaluation opens only after the last session of the class has ended',
};
const NOT_CONFIRMED: LocalizedText = {
  zh: '开班计划尚未经海事确认，不能开启评价',
  en: 'The plan has not been confirmed by the authority; no evaluation can be opened',
};
const ALREADY_ANSWERED: LocalizedText = {
  zh: '您已提交过本班的评价，每人只能评价一次',
  en: 'You have already evaluated this class; each trainee answers once',
};
const SPONSOR_ALREADY_ANSWERED: LocalizedText = {
  zh: '该邀请已答复，每个邀请只能答复一次',
  en: 'This invitation has already been answered; it can be answered once',
};
const BAD_LINK: LocalizedText = {
  zh: '评价链接无效，请向培训机构索取新的链接',
  en: 'The evaluation link is not valid; ask the training institution for a new one',
};
const NOT_OPEN: LocalizedText = { zh: '评价当前未开放', en: 'The evaluation is not open' };

/** Whether a survey takes answers at `now`. */
const surveyOpen = (s: SurveyRow, now: Date) =>
  s.status === 'open' && now.getTime() >= s.opensAt.getTime() && now.getTime() < s.closesAt.getTime();
const surveyStatus = (s: SurveyRow, now: Date): 'open' | 'closed' =>
  s.status === 'open' && now.getTime() < s.closesAt.getTime() ? 'open' : 'closed';

function formState(s: SurveyRow | null, answered: boolean, now: Date): EvaluationFormState {
  if (!s) return 'not_open';
  if (answered) return 'answered';
  if (surveyOpen(s, now)) return 'open';
  return now.getTime() < s.opensAt.getTime() ? 'not_open' : 'closed';
}

/**
 * JS-7.1 / JS-14: the course evaluation of a class. The trainee survey is opened by the class manager
 * once the last session of the confirmed plan has ended (a deliberate act, so that it is announced and
 * not opened before the last lesson was actually taught); each trainee on the roster answers once.
 * Answers (evaluation_responses) carry no account and only the day; who answered is kept apart
 * (evaluation_participation), so no answer can be shown with its author. The sponsor survey
 * (送培单位) is answered without an account through one invitation link per company, once.
 */
export function createEvaluationService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function requireEnded(c: ClassFacts) {
    if (!c.confirmedVersionId) throw new AppError('CLASS_NOT_CONFIRMED', { message: NOT_CONFIRMED });
    if (!c.endsAt || c.endsAt.getTime() > clock.now().getTime())
      throw new AppError('PRECONDITION_FAILED', {
        message: NOT_ENDED,
        details: { reason: 'class_not_ended', endsAt: c.endsAt ? formatChinaMinute(c.endsAt) : null },
      });
  }

  async function onRoster(tx: DbOrTx, classId: string, accountId: string) {
    const [r] = await tx
      .select({ id: rosterEntries.id })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, classId), eq(rosterEntries.accountId, accountId)))
      .limit(1);
    if (!r) throw new AppError('NOT_ON_ROSTER');
  }

  async function answeredBy(tx: DbOrTx, surveyId: string, accountId: string) {
    const [p] = await tx
      .select({ id: evaluationParticipation.id })
      .from(evaluationParticipation)
      .where(
        and(eq(evaluationParticipation.surveyId, surveyId), eq(evaluationParticipation.accountId, accountId)),
      )
      .limit(1);
    return Boolean(p);
  }

  const cleanComment = (c: string | undefined) => (c ?? '').trim().slice(0, COMMENT_MAX_LENGTH);

  // ---------- trainee ----------

  /** The form a trainee of the class sees, with the state of their own answer. */
  async function traineeForm(ctx: AuthedCtx, classId: string): Promise<EvaluationFormView> {
    const c = await classFacts(db, classId);
    await onRoster(db, classId, ctx.actor.accountId);
    const s = await surveyOf(db, classId, 'trainee');
    const answered = s ? await answeredBy(db, s.id, ctx.actor.accountId) : false;
    const state = formState(s, answered, clock.now());
    return {
      kind: 'trainee',
      classId,
      classCode: c.code,
      className: c.name,
      institutionName: c.institutionName,
      sponsorName: null,
      state,
      stateLabel: FORM_STATE_LABELS[state],
      closesAt: s ? s.closesAt.toISOString() : null,
      closesAtText: s ? formatChinaMinute(s.closesAt) : null,
      scale: [...SCALE],
      questions: [...TRAINEE_QUESTIONS],
      instructors: await classInstructors(db, c.confirmedVersionId),
      instructorQuestions: [...INSTRUCTOR_QUESTIONS],
      commentMaxLength: COMMENT_MAX_LENGTH,
      notice: ANONYMITY_NOTICE,
    };
  }

  /** A trainee's answer: once, while the survey is open; stored without the account. */
  async function traineeAnswer(
    ctx: AuthedCtx,
    classId: string,
    body: TraineeAnswerBody,
  ): Promise<EvaluationAnswerResult> {
    const c = await classFacts(db, classId);
    await onRoster(db, classId, ctx.actor.accountId);
    const s = await surveyOf(db, classId, 'trainee');
    const now = clock.now();
    if (!s || !surveyOpen(s, now))
      throw new AppError('PRECONDITION_FAILED', {
        message: NOT_OPEN,
        details: { reason: 'survey_not_open' },
      });
    const course = checkRatings(body.ratings, TRAINEE_QUESTIONS, { zh: '课程评价', en: 'Course ratings' });
    const instructors = await classInstructors(db, c.confirmedVersionId);
    const given = body.instructors.map((i) => i.instructorId);
    const expected = instructors.map((i) => i.accountId);
    const strangers = given.filter((id) => !expected.includes(id));
    const missing = expected.filter((id) => !given.includes(id));
    const twice = given.filter((id, i) => given.indexOf(id) !== i);
    if (strangers.length || missing.length || twice.length)
      throw new AppError('VALIDATION', {
        message: {
          zh: '须对本班每位授课教员各评价一次（且只能评价本班教员）',
          en: 'Rate every instructor of this class once (and only instructors of this class)',
        },
        details: { notInstructorsOfClass: strangers, missing, repeated: twice },
      });
    const perInstructor = body.instructors.map((i) => ({
      instructorId: i.instructorId,
      ratings: checkRatings(i.ratings, INSTRUCTOR_QUESTIONS, {
        zh: `教员评价（${instructors.find((x) => x.accountId === i.instructorId)!.name}）`,
        en: 'Instructor ratings',
      }),
    }));
    const answeredOn = shanghaiDate(now);
    return auditedWrite(db, clock, ctx, async (tx) => {
      const [p] = await tx
        .insert(evaluationParticipation)
        .values({ surveyId: s.id, accountId: ctx.actor.accountId, answeredAt: now })
        .onConflictDoNothing()
        .returning({ id: evaluationParticipation.id });
      if (!p)
        throw new AppError('CONFLICT', {
          message: ALREADY_ANSWERED,
          details: { reason: 'already_answered' },
        });
      await tx.insert(evaluationResponses).values([
        {
          surveyId: s.id,
          instructorId: null,
          ratings: course,
          comment: cleanComment(body.comment),
          submittedOn: answeredOn,
        },
        ...perInstructor.map((i) => ({
          surveyId: s.id,
          instructorId: i.instructorId,
          ratings: i.ratings,
          comment: '',
          submittedOn: answeredOn,
        })),
      ]);
      return {
        result: { ok: true as const, state: 'answered' as const, answeredOn },
        // The audit names the survey, never the response.
        audit: {
          action: 'evaluation.answered',
          targetType: 'evaluation_survey',
          targetId: s.id,
          institutionId: c.institutionId,
          data: { classId, kind: 'trainee' },
        },
      };
    });
  }

  /** The trainee's classes with a course evaluation (open, answered or closed). */
  async function mine(ctx: AuthedCtx): Promise<MyEvaluationsView> {
    const rows = await db
      .select({
        classId: classes.id,
        classCode: classes.code,
        className: classes.name,
        survey: evaluationSurveys,
        answered: sql<boolean>`exists (select 1 from ${evaluationParticipation} p where p.survey_id = ${evaluationSurveys.id} and p.account_id = ${ctx.actor.accountId})`,
      })
      .from(rosterEntries)
      .innerJoin(classes, eq(classes.id, rosterEntries.classId))
      .innerJoin(
        evaluationSurveys,
        and(eq(evaluationSurveys.classId, classes.id), eq(evaluationSurveys.kind, 'trainee')),
      )
      .where(eq(rosterEntries.accountId, ctx.actor.accountId));
    const now = clock.now();
    return {
      items: rows.map((r) => {
        const state = formState(r.survey, r.answered, now);
        return {
          classId: r.classId,
          classCode: r.classCode,
          className: r.className,
          state,
          stateLabel: FORM_STATE_LABELS[state],
          closesAtText: formatChinaMinute(r.survey.closesAt),
        };
      }),
    };
  }

  // ---------- the class manager ----------

  /** Opens the trainee survey of an ended class for `days` days (default 14). */
  async function open(ctx: AuthedCtx, classId: string, body: OpenSurveyBody): Promise<ClassEvaluationView> {
    const c = await classFacts(db, classId);
    await requireEnded(c);
    const now = clock.now();
    await auditedWrite(db, clock, ctx, async (tx) => {
      const [s] = await tx
        .insert(evaluationSurveys)
        .values({
          institutionId: c.institutionId,
          classId,
          kind: 'trainee',
          opensAt: now,
          closesAt: new Date(now.getTime() + (body.days ?? TRAINEE_DAYS) * DAY_MS),
          createdBy: ctx.actor.accountId,
        })
        .onConflictDoNothing()
        .returning({ id: evaluationSurveys.id });
      if (!s)
        throw new AppError('CONFLICT', {
          message: {
            zh: '本班的学员评价已开启过',
            en: 'The trainee evaluation of this class was already opened',
          },
          details: { reason: 'already_opened' },
        });
      return {
        result: s.id,
        audit: {
          action: 'evaluation.opened',
          targetType: 'evaluation_survey',
          targetId: s.id,
          institutionId: c.institutionId,
          data: { classId, kind: 'trainee', days: body.days ?? TRAINEE_DAYS },
        },
      };
    });
    return results(classId);
  }

  /** Closes a survey of the class before its end (idempotent). */
  async function close(ctx: AuthedCtx, classId: string, surveyId: string): Promise<ClassEvaluationView> {
    const c = await classFacts(db, classId);
    await auditedWrite(db, clock, ctx, async (tx) => {
      const [s] = await tx
        .update(evaluationSurveys)
        .set({ status: 'closed' })
        .where(and(eq(evaluationSurveys.id, surveyId), eq(evaluationSurveys.classId, classId)))
        .returning({ id: evaluationSurveys.id });
      if (!s) throw new AppError('NOT_FOUND');
      return {
        result: s.id,
        audit: {
          action: 'evaluation.closed',
          targetType: 'evaluation_survey',
          targetId: s.id,
          institutionId: c.institutionId,
          data: { classId },
        },
      };
    });
    return results(classId);
  }

  /** One invitation link per sending company; the raw token is returned once, only its SHA-256 is kept. */
  async function invite(
    ctx: AuthedCtx,
    classId: string,
    body: SponsorInvitationBody,
  ): Promise<SponsorInvitationCreated> {
    const c = await classFacts(db, classId);
    await requireEnded(c);
    const sponsorName = body.sponsorName.trim();
    if (sponsorName.length < 2)
      throw new AppError('VALIDATION', {
        message: { zh: '请填写送培单位名称', en: 'Enter the name of the sending company' },
        details: { field: 'sponsorName' },
      });
    const now = clock.now();
    const token = randomBytes(32).toString('base64url');
    return auditedWrite(db, clock, ctx, async (tx) => {
      await tx
        .insert(evaluationSurveys)
        .values({
          institutionId: c.institutionId,
          classId,
          kind: 'sponsor',
          opensAt: now,
          closesAt: new Date(now.getTime() + (body.days ?? SPONSOR_DAYS) * DAY_MS),
          createdBy: ctx.actor.accountId,
        })
        .onConflictDoNothing();
      const s = (await surveyOf(tx, classId, 'sponsor'))!;
      if (!surveyOpen(s, now))
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '送培单位调查已结束', en: 'The sponsor survey is closed' },
          details: { reason: 'survey_closed' },
        });
      const existing = await invitationsOf(tx, s.id);
      if (existing.some((i) => i.sponsorName === sponsorName))
        throw new AppError('CONFLICT', {
          message: {
            zh: `已向“${sponsorName}”发出过邀请，每个送培单位一份`,
            en: `"${sponsorName}" has already been invited; one invitation per sending company`,
          },
          details: { reason: 'already_invited' },
        });
      const [p] = await tx
        .insert(evaluationParticipation)
        .values({ surveyId: s.id, sponsorName, tokenSha256: sha256(token), createdAt: now })
        .returning({ id: evaluationParticipation.id });
      return {
        result: {
          id: p!.id,
          sponsorName,
          token,
          link: `evaluate.html?token=${token}`,
          closesAtText: formatChinaMinute(s.closesAt),
        },
        audit: {
          action: 'evaluation.sponsor_invited',
          targetType: 'evaluation_survey',
          targetId: s.id,
          institutionId: c.institutionId,
          data: { classId, invitationId: p!.id, sponsorName },
        },
      };
    });
  }

  // ---------- the sending company (no account) ----------

  async function invitation(tx: DbOrTx, token: string) {
    const [r] = await tx
      .select({ p: evaluationParticipation, s: evaluationSurveys })
      .from(evaluationParticipation)
      .innerJoin(evaluationSurveys, eq(evaluationSurveys.id, evaluationParticipation.surveyId))
      .where(
        and(eq(evaluationParticipation.tokenSha256, sha256(token)), eq(evaluationSurveys.kind, 'sponsor')),
      )
      .limit(1);
    if (!r) throw new AppError('NOT_FOUND', { message: BAD_LINK, details: { reason: 'bad_link' } });
    return r;
  }

  async function sponsorForm(token: string): Promise<EvaluationFormView> {
    const { p, s } = await invitation(db, token);
    const c = await classFacts(db, s.classId);
    const state = formState(s, p.answeredAt !== null, clock.now());
    return {
      kind: 'sponsor',
      classId: c.id,
      classCode: c.code,
      className: c.name,
      institutionName: c.institutionName,
      sponsorName: p.sponsorName,
      state,
      stateLabel: FORM_STATE_LABELS[state],
      closesAt: s.closesAt.toISOString(),
      closesAtText: formatChinaMinute(s.closesAt),
      scale: [...SCALE],
      questions: [...SPONSOR_QUESTIONS],
      instructors: [],
      instructorQuestions: [],
      commentMaxLength: COMMENT_MAX_LENGTH,
      notice: {
        zh: '本调查由培训机构邀请贵单位填写，只能提交一次，提交后不能修改',
        en: 'The training institution invites your company to answer; it can be answered once and is final once sent',
      },
    };
  }

  async function sponsorAnswer(ctx: Ctx, body: SponsorAnswerBody): Promise<EvaluationAnswerResult> {
    const ratings = checkRatings(body.ratings, SPONSOR_QUESTIONS, { zh: '满意度评价', en: 'Ratings' });
    const now = clock.now();
    const answeredOn = shanghaiDate(now);
    return auditedWrite(db, clock, ctx, async (tx) => {
      const { p, s } = await invitation(tx, body.token);
      if (p.answeredAt)
        throw new AppError('CONFLICT', {
          message: SPONSOR_ALREADY_ANSWERED,
          details: { reason: 'already_answered' },
        });
      if (!surveyOpen(s, now))
        throw new AppError('PRECONDITION_FAILED', {
          message: NOT_OPEN,
          details: { reason: 'survey_not_open' },
        });
      const [done] = await tx
        .update(evaluationParticipation)
        .set({ answeredAt: now })
        .where(and(eq(evaluationParticipation.id, p.id), isNull(evaluationParticipation.answeredAt)))
        .returning({ id: evaluationParticipation.id });
      if (!done)
        throw new AppError('CONFLICT', {
          message: SPONSOR_ALREADY_ANSWERED,
          details: { reason: 'already_answered' },
        });
      await tx.insert(evaluationResponses).values({
        surveyId: s.id,
        instructorId: null,
        ratings,
        comment: cleanComment(body.comment),
        submittedOn: answeredOn,
      });
      return {
        result: { ok: true as const, state: 'answered' as const, answeredOn },
        audit: {
          action: 'evaluation.sponsor_answered',
          targetType: 'evaluation_survey',
          targetId: s.id,
          institutionId: s.institutionId,
          data: { classId: s.classId, invitationId: p.id },
        },
      };
    });
  }

  // ---------- results ----------

  async function names(ids: string[]) {
    if (ids.length === 0) return new Map<string, string>();
    const rows = await db
      .select({ id: accounts.id, name: people.displayName })
      .from(accounts)
      .innerJoin(people, eq(people.id, accounts.personId))
      .where(inArray(accounts.id, ids));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Per instructor, with nothing but the count below the small-n threshold. */
  function instructorResults(
    rows: ResponseRow[],
    instructors: Array<{ accountId: string; name: string }>,
  ): EvaluationInstructorResult[] {
    return instructors.map((i) => {
      const mine = rows.filter((r) => r.instructorId === i.accountId).map((r) => r.ratings);
      const shown = mine.length >= INSTRUCTOR_MIN_RESPONSES;
      return {
        accountId: i.accountId,
        name: i.name,
        responses: mine.length,
        shown,
        questions: shown ? questionMeans(mine, INSTRUCTOR_QUESTIONS) : [],
        satisfactionPct: shown ? pct(satisfiedCount(mine, 'teaching'), mine.length) : null,
        notice: shown ? null : SMALL_N_NOTICE,
      };
    });
  }

  function surveyResults(
    s: SurveyRow,
    rows: ResponseRow[],
    invited: number,
    instructors: Array<{ accountId: string; name: string }>,
  ): SurveyResultsView {
    const kind = s.kind as SurveyKind;
    const course = rows.filter((r) => r.instructorId === null);
    const ratings = course.map((r) => r.ratings);
    const status = surveyStatus(s, clock.now());
    const satisfied = satisfiedCount(ratings);
    return {
      surveyId: s.id,
      kind,
      kindLabel: KIND_LABELS[kind],
      status,
      statusLabel: STATUS_LABELS[status],
      opensAtText: formatChinaMinute(s.opensAt),
      closesAtText: formatChinaMinute(s.closesAt),
      invited,
      responses: course.length,
      questions: questionMeans(ratings, questionsOf(kind)),
      satisfactionPct: pct(satisfied, course.length),
      satisfiedCount: satisfied,
      instructors: kind === 'trainee' ? instructorResults(rows, instructors) : [],
      // Without author and in no order that could follow who answered when.
      comments: course
        .map((r) => r.comment)
        .filter((x) => x.length > 0)
        .sort((a, b) => a.localeCompare(b, 'zh-CN')),
    };
  }

  /** The class's evaluation for its manager, institution and officer: figures, never an answer with its author. */
  async function results(classId: string): Promise<ClassEvaluationView> {
    const c = await classFacts(db, classId);
    const now = clock.now();
    const [trainee, sponsor] = await Promise.all([
      surveyOf(db, classId, 'trainee'),
      surveyOf(db, classId, 'sponsor'),
    ]);
    const rows = await responsesOf(
      db,
      [trainee?.id, sponsor?.id].filter((x): x is string => Boolean(x)),
    );
    const instructors = await classInstructors(db, c.confirmedVersionId);
    const invitations = sponsor ? await invitationsOf(db, sponsor.id) : [];
    const ended = Boolean(c.endsAt && c.endsAt.getTime() <= now.getTime());
    const canOpenReason = !c.confirmedVersionId ? NOT_CONFIRMED : !ended ? NOT_ENDED : null;
    return {
      classId,
      classCode: c.code,
      className: c.name,
      endsAtText: c.endsAt ? formatChinaMinute(c.endsAt) : null,
      ended,
      canOpen: !canOpenReason && !trainee,
      canOpenReason,
      trainee: trainee
        ? surveyResults(
            trainee,
            rows.filter((r) => r.surveyId === trainee.id),
            await rosterAccounts(db, classId),
            instructors,
          )
        : null,
      sponsor: sponsor
        ? surveyResults(
            sponsor,
            rows.filter((r) => r.surveyId === sponsor.id),
            invitations.length,
            [],
          )
        : null,
      invitations: invitations.map((i) => ({
        id: i.id,
        sponsorName: i.sponsorName ?? '',
        answered: i.answeredAt !== null,
        stateLabel: i.answeredAt
          ? { zh: '已答复', en: 'Answered' }
          : { zh: '未答复', en: 'Not answered yet' },
        createdAtText: formatChinaMinute(i.createdAt),
      })),
      definitions: [SATISFACTION_DEFINITION, SMALL_N_NOTICE, ANONYMITY_NOTICE],
    };
  }

  /** Per class and per instructor over a period (classes by the China date of their last session). */
  async function institutionResults(
    institutionId: string,
    q: QualityPeriodQuery,
  ): Promise<InstitutionEvaluationView> {
    const period = resolvePeriod(q, clock.now());
    const list = await classesEndingIn(db, [institutionId], period.from, period.to);
    const surveys = list.length
      ? await db
          .select()
          .from(evaluationSurveys)
          .where(
            inArray(
              evaluationSurveys.classId,
              list.map((c) => c.id),
            ),
          )
      : [];
    const rows = await responsesOf(
      db,
      surveys.map((s) => s.id),
    );
    const kindOf = new Map(surveys.map((s) => [s.id, s]));
    const perClass = list.map((c) => {
      const of = (kind: SurveyKind) =>
        rows.filter(
          (r) =>
            r.instructorId === null &&
            kindOf.get(r.surveyId)?.classId === c.id &&
            kindOf.get(r.surveyId)?.kind === kind,
        );
      const t = of('trainee').map((r) => r.ratings);
      const sp = of('sponsor').map((r) => r.ratings);
      return {
        classId: c.id,
        classCode: c.code,
        className: c.name,
        endDate: c.endDate,
        traineeResponses: t.length,
        traineeSatisfactionPct: pct(satisfiedCount(t), t.length),
        sponsorResponses: sp.length,
        sponsorSatisfactionPct: pct(satisfiedCount(sp), sp.length),
      };
    });
    const instructorIds = [
      ...new Set(rows.map((r) => r.instructorId).filter((x): x is string => Boolean(x))),
    ];
    const who = await names(instructorIds);
    const instructors = instructorResults(
      rows,
      instructorIds
        .map((id) => ({ accountId: id, name: who.get(id) ?? '' }))
        .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    );
    return {
      institutionId,
      period,
      classes: perClass,
      instructors,
      definitions: [
        SATISFACTION_DEFINITION,
        SMALL_N_NOTICE,
        {
          zh: '统计期间按班级最后一个课次的日期（北京时间）归属',
          en: 'A class belongs to the period by the China date of its last session',
        },
      ],
    };
  }

  return {
    traineeForm,
    traineeAnswer,
    mine,
    open,
    close,
    invite,
    sponsorForm,
    sponsorAnswer,
    results,
    institutionResults,
  };
}
export type EvaluationService = ReturnType<typeof createEvaluationService>;
