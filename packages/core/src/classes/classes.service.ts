import type {
  ClassView,
  CreateClassBody,
  ErrorCode,
  PlanBody,
  PlanVersionView,
  QualificationStatus,
} from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import type { AuditInput } from '../audit/audit.repo';
import {
  checkPlanFilingDeadline,
  formatChinaMinute,
  planFilingDeadlineView,
  planFilingProblems,
  diffPlanVersions,
  latestPlanFilingDate,
  sessionInstant,
  totalHours,
  transition,
  validateTimetable,
  type FilingEvent,
  type FilingState,
} from '../filing';
import type { InstitutionService } from '../institution/institution.service';
import { holdsOnlineQualification } from '../institution/online-eligibility';
import type { NotificationService } from '../notify/notifications.service';
import { meetsTeachingStandard, teachingYears } from '../people/instructor-rules';
import { instructorQualificationOf } from '../people/people.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';
import { auditedWrite } from '../shared/tx';
import { filingStateOf, toClassView, toVersionView, type StoredPlan, type VersionFacts } from './class-view';
import * as repo from './classes.repo';
import { notifyOfficers } from './officer-notices';
import { planConfirmedToday } from '../attendance/rollcall.service';

type AuthedCtx = Ctx & { actor: Actor };

/** Reminder of the plan-filing deadline: 09:00 China time on the last day filing is accepted. */
const REMINDER_HHMM = '09:00';
/** Session reminders go out this long before each session. */
export const SESSION_REMINDER_MINUTES = 60;

export function createClassService(deps: {
  db: Db;
  clock: Clock;
  jobs: JobsDep;
  institutions: InstitutionService;
  notifications: NotificationService;
}) {
  const { db, clock, jobs, institutions, notifications } = deps;
  const write = <T>(ctx: Ctx, fn: (tx: Tx) => Promise<{ result: T; audit: AuditInput }>) =>
    auditedWrite(db, clock, ctx, fn);

  /**
   * Every rule a plan must meet (JS-2, JS-3, JS-6, JS-9, JS-10, JS-12), checked before anything is
   * written. Returns the plan as it will be stored.
   */
  async function checkPlan(tx: Tx, institutionId: string, itemId: string, body: PlanBody) {
    const found = await repo.findItemWithInstitution(tx, itemId);
    if (!found || found.item.institutionId !== institutionId)
      throw new AppError('VALIDATION', {
        message: { zh: '培训项目不属于本机构', en: 'The training item does not belong to this institution' },
        details: { field: 'trainingItemId' },
      });
    const { item } = found;

    const timetable = validateTimetable(body.sessions);
    if (!timetable.ok)
      throw new AppError('VALIDATION', {
        message: { zh: '课表有误', en: 'The timetable is not valid' },
        details: { problems: timetable.problems },
      });
    const sessions = timetable.sessions;
    const firstDate = sessions[0]!.date;

    // JS-2 / JS-3: theory item, licensed on the first day, institution qualified.
    await institutions.assertOnlineEligible(itemId, firstDate);

    // JS-6: never beyond the licensed scale.
    if (body.scale > item.licensedScale)
      throw new AppError('CAPACITY_EXCEEDED', {
        message: {
          zh: `班级规模 ${body.scale} 超过核定开班规模 ${item.licensedScale}`,
          en: `Class size ${body.scale} exceeds the licensed scale ${item.licensedScale}`,
        },
        details: { scale: body.scale, licensedScale: item.licensedScale },
      });

    // JS-10: a draft may fall short of the syllabus (the view shows the shortfall); filing refuses it.

    // JS-9: instructors of this institution, each with 3+ years of teaching or an explicit override.
    const instructorIds = [...new Set(sessions.map((s) => s.instructorAccountId))];
    const managerIds = [...new Set(body.managers.map((m) => m.accountId))];
    const people = new Map(
      (await repo.findAccounts(tx, [...instructorIds, ...managerIds])).map((r) => [r.account.id, r]),
    );
    const overrides = new Map((body.instructorOverrides ?? []).map((o) => [o.accountId, o.reason]));
    for (const id of instructorIds) {
      const p = people.get(id);
      if (
        !p ||
        p.account.institutionId !== institutionId ||
        !p.account.roles.includes('instructor') ||
        p.account.status !== 'active'
      )
        throw new AppError('VALIDATION', {
          message: {
            zh: '授课教员须为本机构在职教员',
            en: 'Each session needs an active instructor of this institution',
          },
          details: { accountId: id },
        });
      const since = (await instructorQualificationOf(tx, id)) ?? null;
      if (!meetsTeachingStandard(since, firstDate) && !overrides.has(id))
        throw new AppError('INSTRUCTOR_UNQUALIFIED', {
          details: {
            accountId: id,
            displayName: p.person.displayName,
            teachingSince: since,
            teachingYears: teachingYears(since, firstDate),
          },
        });
    }
    // JS-12: named class managers of this institution.
    for (const id of managerIds) {
      const p = people.get(id);
      if (!p || p.account.institutionId !== institutionId || !p.account.roles.includes('class_manager'))
        throw new AppError('VALIDATION', {
          message: {
            zh: '班主任须为本机构的班主任账户',
            en: 'Class managers must be class-manager accounts of this institution',
          },
          details: { accountId: id },
        });
    }
    const plan: StoredPlan = {
      managers: body.managers,
      instructors: instructorIds,
      instructorOverrides: (body.instructorOverrides ?? []).filter((o) =>
        instructorIds.includes(o.accountId),
      ),
      sessions,
    };
    return { plan, sessions, firstDate, totalHours: totalHours(sessions), item };
  }

  async function writeVersionSessions(
    tx: Tx,
    classId: string,
    versionId: string,
    sessions: StoredPlan['sessions'],
  ) {
    await repo.insertSessions(
      tx,
      sessions.map((s, i) => ({
        classId,
        versionId,
        seq: i + 1,
        date: s.date,
        startsAt: sessionInstant(s.date, s.start),
        endsAt: sessionInstant(s.date, s.end),
        topic: s.topic,
        instructorAccountId: s.instructorAccountId,
      })),
    );
  }

  /**
   * Schedules the deadline reminder for a draft version (a delayed job keyed by the version), in the
   * transaction that wrote the draft (REL-2: the outbox).
   */
  async function scheduleFilingReminder(tx: Tx, classId: string, versionId: string, firstDate: string) {
    const runAt = sessionInstant(latestPlanFilingDate(firstDate), REMINDER_HHMM);
    await jobs.enqueue(
      tx,
      'filing.deadline-reminder',
      { classId, versionId },
      { jobId: `filing-reminder:${versionId}`, runAt },
    );
  }

  /** TM-1: a reminder job per session of the confirmed version, an hour before it starts (in `tx`). */
  async function scheduleSessionReminders(tx: Tx, classId: string, versionId: string) {
    for (const s of await repo.listSessions(tx, versionId)) {
      const runAt = new Date(s.startsAt.getTime() - SESSION_REMINDER_MINUTES * 60_000);
      await jobs.enqueue(
        tx,
        'session.reminder',
        { classId, sessionId: s.id },
        { jobId: `session-reminder:${s.id}`, runAt },
      );
    }
  }

  const factsOf = (item: { syllabusHours: number; licensedScale: number }, now: Date): VersionFacts => ({
    syllabusHours: item.syllabusHours,
    licensedScale: item.licensedScale,
    now,
  });

  async function loadView(classId: string): Promise<ClassView> {
    const c = await repo.findClass(db, classId);
    if (!c) throw new AppError('NOT_FOUND');
    const [current, found, n] = await Promise.all([
      repo.findVersion(db, c.currentVersionId!),
      repo.findItemWithInstitution(db, c.trainingItemId),
      repo.rosterCount(db, classId),
    ]);
    const confirmed = c.confirmedVersionId ? await repo.findVersion(db, c.confirmedVersionId) : undefined;
    const now = clock.now();
    return toClassView(
      c,
      found!.item,
      found!.institution,
      toVersionView(current!, await repo.listSessions(db, current!.id), factsOf(found!.item, now)),
      confirmed?.version ?? null,
      n,
      now,
    );
  }

  /** Applies a filing event to the current version, or refuses with CONFLICT. */
  function step(state: string, event: FilingEvent) {
    const r = transition(state as FilingState, event);
    if (!r.ok) throw new AppError('CONFLICT', { message: { zh: r.problem.zh, en: r.problem.en } });
    return r;
  }

  function summaries(rows: Array<{ c: repo.ClassRow; v: repo.VersionRow; institutionNameZh: string }>) {
    const now = clock.now();
    return Promise.all(
      rows.map(async ({ c, v, institutionNameZh }) => ({
        id: c.id,
        code: c.code,
        name: c.name,
        institutionId: c.institutionId,
        institutionNameZh,
        filingState: filingStateOf(v.status),
        currentVersion: v.version,
        firstSessionDate: v.firstSessionDate,
        rosterCount: await repo.rosterCount(db, c.id),
        rosterFiledAt: c.rosterFiledAt?.toISOString() ?? null,
        filingDeadline: planFilingDeadlineView(v.firstSessionDate, now, v.status),
      })),
    );
  }

  return {
    getClass: loadView,

    async createClass(ctx: AuthedCtx, institutionId: string, body: CreateClassBody): Promise<ClassView> {
      const created = await write(ctx, async (tx) => {
        if (await repo.findClassByCode(tx, institutionId, body.code))
          throw new AppError('CONFLICT', { details: { field: 'code' } });
        const checked = await checkPlan(tx, institutionId, body.trainingItemId, body.plan);
        const c = await repo.insertClass(tx, {
          institutionId,
          trainingItemId: body.trainingItemId,
          code: body.code,
          name: body.name,
          createdBy: ctx.actor.accountId,
          createdAt: clock.now(),
        });
        const v = await repo.insertVersion(tx, {
          classId: c.id,
          version: 1,
          status: 'draft',
          scale: body.plan.scale,
          contentNote: body.plan.contentNote ?? null,
          plan: checked.plan,
          totalHours: checked.totalHours,
          firstSessionDate: checked.firstDate,
          createdBy: ctx.actor.accountId,
          createdAt: clock.now(),
        });
        await writeVersionSessions(tx, c.id, v.id, checked.sessions);
        await repo.updateClass(tx, c.id, { currentVersionId: v.id });
        await scheduleFilingReminder(tx, c.id, v.id, checked.firstDate);
        return {
          result: { classId: c.id, versionId: v.id },
          audit: {
            action: 'class.created',
            targetType: 'class',
            targetId: c.id,
            institutionId,
            data: {
              code: body.code,
              trainingItemId: body.trainingItemId,
              version: 1,
              totalHours: checked.totalHours,
              instructorOverrides: checked.plan.instructorOverrides,
            },
          },
        };
      });
      return loadView(created.classId);
    },

    listClasses: async (institutionId: string) => summaries(await repo.listClasses(db, institutionId)),

    /** The classes a trainee is on the roster of. */
    listClassesOfTrainee: async (accountId: string) =>
      summaries(await repo.listClassesOfTrainee(db, accountId)),

    /** The caller's own classes: a trainee's by the roster, an instructor's by the plans that name them. */
    async listMyClasses(actor: Actor) {
      const rows = actor.roles.includes('trainee')
        ? await repo.listClassesOfTrainee(db, actor.accountId)
        : actor.roles.includes('instructor')
          ? await repo.listClassesOfInstructor(db, actor.accountId)
          : [];
      return summaries(rows);
    },

    /**
     * QM-2 / JS-11.3: a draft is edited in place; a filed, confirmed or rejected plan is never changed:
     * the change becomes a new draft version and the old one is superseded. An amendment after
     * confirmation therefore takes the class back out of "confirmed" until the authority confirms again.
     */
    async amendPlan(ctx: AuthedCtx, classId: string, body: PlanBody): Promise<ClassView> {
      await write(ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const current = (await repo.findVersion(tx, c.currentVersionId!))!;
        const checked = await checkPlan(tx, c.institutionId, c.trainingItemId, body);
        const content = {
          scale: body.scale,
          contentNote: body.contentNote ?? null,
          plan: checked.plan,
          totalHours: checked.totalHours,
          firstSessionDate: checked.firstDate,
        };
        if (current.status === 'draft') {
          await repo.updateVersion(tx, current.id, content);
          await repo.deleteSessionsOf(tx, current.id);
          await writeVersionSessions(tx, classId, current.id, checked.sessions);
          await scheduleFilingReminder(tx, classId, current.id, checked.firstDate);
          return {
            result: { versionId: current.id },
            audit: {
              action: 'class.plan_edited',
              targetType: 'class',
              targetId: classId,
              institutionId: c.institutionId,
              data: { version: current.version },
            },
          };
        }
        step(current.status, 'amend');
        await repo.updateVersion(tx, current.id, { status: 'superseded' });
        const v = await repo.insertVersion(tx, {
          classId,
          version: current.version + 1,
          status: 'draft',
          ...content,
          createdBy: ctx.actor.accountId,
          createdAt: clock.now(),
        });
        await writeVersionSessions(tx, classId, v.id, checked.sessions);
        const wasConfirmed = current.status === 'confirmed';
        await repo.updateClass(tx, classId, {
          currentVersionId: v.id,
          ...(wasConfirmed && { confirmedVersionId: null }),
        });
        await scheduleFilingReminder(tx, classId, v.id, checked.firstDate);
        return {
          result: { versionId: v.id },
          audit: {
            action: 'class.plan_amended',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: {
              fromVersion: current.version,
              fromStatus: current.status,
              toVersion: v.version,
              confirmationWithdrawn: wasConfirmed,
            },
          },
        };
      });
      return loadView(classId);
    },

    /** JS-11.1: filing is accepted only 3+ calendar days (China time) before the first session. */
    async filePlan(ctx: AuthedCtx, classId: string): Promise<ClassView> {
      await write(ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const v = (await repo.findVersion(tx, c.currentVersionId!))!;
        step(v.status, 'file');
        const now = clock.now();
        const { item, institution } = (await repo.findItemWithInstitution(tx, c.trainingItemId))!;
        // JS-3 / JS-17: a suspended or revoked institution files nothing (the same rule as opening a class).
        if (!holdsOnlineQualification(institution.onlineQualification as QualificationStatus))
          throw new AppError('NOT_QUALIFIED_ONLINE');
        const plan = v.plan as StoredPlan;
        // JS-11.1, JS-5 / JS-10, JS-6: the rules a draft may still break are applied now, by the same
        // check the class view shows; the first one refuses the filing, with its code.
        const [problem] = planFilingProblems(
          {
            sessions: plan.sessions,
            firstSessionDate: v.firstSessionDate,
            scale: v.scale,
            syllabusHours: item.syllabusHours,
            licensedScale: item.licensedScale,
          },
          now,
        );
        if (problem)
          throw new AppError(problem.code as ErrorCode, {
            message: { zh: problem.zh, en: problem.en },
            details: problem.details,
          });
        const deadline = checkPlanFilingDeadline(now, v.firstSessionDate);
        const daysAhead = deadline.daysAhead;
        await repo.updateVersion(tx, v.id, { status: 'filed', filedAt: now, filedBy: ctx.actor.accountId });
        const first = (await repo.listSessions(tx, v.id))[0]!;
        const at = formatChinaMinute(first.startsAt);
        await notifyOfficers(notifications, tx, c, {
          kind: 'filing.plan_filed',
          title: {
            zh: `${institution.nameZh} 报备了开班计划：${c.name}（${c.code}）`,
            en: `${institution.nameEn} filed a class plan: ${c.name} (${c.code})`,
          },
          body: {
            zh: `第 ${v.version} 版计划待审核。首次课 ${at}（北京时间），共 ${plan.sessions.length} 次课，规模 ${v.scale} 人。`,
            en: `Plan version ${v.version} awaits review. First session ${at} (China time); ${plan.sessions.length} sessions, ${v.scale} trainees.`,
          },
          data: { version: v.version, firstSessionStartsAt: first.startsAt.toISOString() },
          dedupeKey: `plan-filed:${v.id}`,
        });
        return {
          result: null,
          audit: {
            action: 'class.plan_filed',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { version: v.version, daysAhead },
          },
        };
      });
      return loadView(classId);
    },

    /** JS-11.3 / VC-4: the officer of the jurisdiction confirms the filed version or rejects it with a reason. */
    async review(
      ctx: AuthedCtx,
      classId: string,
      body: { decision: 'confirm' | 'reject'; reason?: string },
    ): Promise<ClassView> {
      if (body.decision === 'reject' && !body.reason)
        throw new AppError('VALIDATION', {
          message: { zh: '退回须说明理由', en: 'A rejection needs a reason' },
          details: { field: 'reason' },
        });
      await write(ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const v = (await repo.findVersion(tx, c.currentVersionId!))!;
        step(v.status, body.decision);
        const now = clock.now();
        const status = body.decision === 'confirm' ? 'confirmed' : 'rejected';
        await repo.updateVersion(tx, v.id, {
          status,
          reviewedAt: now,
          reviewedBy: ctx.actor.accountId,
          reviewReason: body.reason ?? null,
        });
        if (status === 'confirmed') {
          await repo.updateClass(tx, classId, { confirmedVersionId: v.id });
          // REL-2: the reminders are scheduled by the very commit that confirms the class.
          await scheduleSessionReminders(tx, classId, v.id);
          // JS-13.2: a class confirmed for a session today gets that day's random roll-calls now.
          await planConfirmedToday(tx, { clock, jobs }, v.id);
        }
        const plan = v.plan as StoredPlan;
        await notifications.notify(
          tx,
          plan.managers.map((m) => m.accountId),
          {
            kind: `class.${status}`,
            title:
              status === 'confirmed'
                ? { zh: `班级 ${c.code} 已获开班确认`, en: `Class ${c.code} confirmed by the authority` }
                : { zh: `班级 ${c.code} 的开班备案被退回`, en: `Class ${c.code} filing rejected` },
            body: {
              zh: body.reason ?? `第 ${v.version} 版计划已确认`,
              en: body.reason ?? `Plan version ${v.version} confirmed`,
            },
            data: { classId, version: v.version },
            dedupeKey: `review:${v.id}`,
          },
        );
        return {
          result: null,
          audit: {
            action: `class.plan_${status}`,
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { version: v.version, reason: body.reason ?? null },
          },
        };
      });
      return loadView(classId);
    },

    /** TM-1: before a session of the confirmed plan, reminds its trainees, instructor and managers. */
    async remindSession(classId: string, sessionId: string): Promise<{ reminded: number }> {
      const ids = await db.transaction(async (tx) => {
        const c = await repo.findClass(tx, classId);
        const s = await repo.findSession(tx, sessionId);
        if (!c || !s || s.versionId !== c.confirmedVersionId || s.endsAt <= clock.now()) return [];
        const plan = (await repo.findVersion(tx, s.versionId))!.plan as StoredPlan;
        const at = new Date(s.startsAt.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
        return notifications.notify(
          tx,
          [
            ...(await repo.rosterAccountIds(tx, classId)),
            s.instructorAccountId,
            ...plan.managers.map((m) => m.accountId),
          ],
          {
            kind: 'session.reminder',
            title: {
              zh: `${c.name} 第 ${s.seq} 次课即将开始`,
              en: `${c.name}: session ${s.seq} starts soon`,
            },
            body: {
              zh: `${s.date} ${at}（北京时间）开始：${s.topic}。请提前进入教室并开启摄像头和麦克风。`,
              en: `Starts ${s.date} ${at} (China time): ${s.topic}. Join early with camera and microphone on.`,
            },
            data: { classId, sessionId, startsAt: s.startsAt.toISOString() },
            dedupeKey: `session-reminder:${sessionId}`,
          },
        );
      });
      return { reminded: ids.length };
    },

    async listVersions(classId: string): Promise<PlanVersionView[]> {
      const c = await repo.findClass(db, classId);
      if (!c) throw new AppError('NOT_FOUND');
      const found = (await repo.findItemWithInstitution(db, c.trainingItemId))!;
      const facts = factsOf(found.item, clock.now());
      const versions = await repo.listVersions(db, classId);
      return Promise.all(
        versions.map(async (v) => toVersionView(v, await repo.listSessions(db, v.id), facts)),
      );
    },

    /** QM-2: what changed in `version` against the one before it, for the officer. */
    async diffVersion(classId: string, version: number) {
      const to = await repo.findVersionByNumber(db, classId, version);
      if (!to) throw new AppError('NOT_FOUND');
      const from = version > 1 ? await repo.findVersionByNumber(db, classId, version - 1) : undefined;
      const c = (await repo.findClass(db, classId))!;
      const content = (v: repo.VersionRow) => {
        const p = v.plan as StoredPlan;
        return {
          scale: v.scale,
          trainingItemId: c.trainingItemId,
          instructors: p.instructors,
          managers: p.managers.map((m) => m.accountId),
          sessions: p.sessions,
          ...(v.contentNote && { contentNote: v.contentNote }),
        };
      };
      const empty = {
        scale: 0,
        trainingItemId: c.trainingItemId,
        instructors: [],
        managers: [],
        sessions: [],
      };
      return {
        fromVersion: from?.version ?? null,
        toVersion: to.version,
        diff: diffPlanVersions(from ? content(from) : empty, content(to)),
      };
    },

    /** For the deadline-reminder job: reminds the managers if that version is still an unfiled draft. */
    async remindFilingDeadline(classId: string, versionId: string): Promise<{ reminded: number }> {
      const ids = await db.transaction(async (tx) => {
        const c = await repo.findClass(tx, classId);
        const v = await repo.findVersion(tx, versionId);
        if (!c || !v || c.currentVersionId !== versionId || v.status !== 'draft') return [];
        const last = latestPlanFilingDate(v.firstSessionDate);
        return notifications.notify(
          tx,
          (v.plan as StoredPlan).managers.map((m) => m.accountId),
          {
            kind: 'filing.deadline',
            title: {
              zh: `班级 ${c.code} 须于 ${last} 前完成开班备案`,
              en: `Class ${c.code}: file the plan by ${last}`,
            },
            body: {
              zh: `首次课为 ${v.firstSessionDate}，按规定须至少提前 3 天备案；${last} 之后将无法备案。`,
              en: `The first session is on ${v.firstSessionDate}; filing must be at least 3 days before, so ${last} is the last day.`,
            },
            data: { classId, version: v.version, latestFilingDate: last },
            dedupeKey: `filing-reminder:${versionId}`,
          },
        );
      });
      return { reminded: ids.length };
    },
  };
}
export type ClassService = ReturnType<typeof createClassService>;
