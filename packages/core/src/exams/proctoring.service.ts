import { and, asc, desc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import {
  ATTEMPT_STATUS_LABELS,
  FLAG_KIND_LABELS,
  FLAG_SOURCE_LABELS,
  OVERSIGHT_ITEM_KIND_LABELS,
  REVIEW_STATE_LABELS,
  STILL_VERDICT_LABELS,
  type AttemptStatus,
  type ClientFlagBody,
  type ClientFlagResult,
  type FlagKind,
  type FlagSource,
  type ProctoredAttemptView,
  type ProctoringCallbackBody,
  type ProctoringCallbackResult,
  type ProctoringListView,
  type ProctoringReviewBody,
  type ReviewState,
  type StillVerdict,
} from '@seafarer/contracts';
import {
  evidenceFiles,
  examAttempts,
  examFlags,
  examReviews,
  examStills,
  exams,
  institutions,
  rosterEntries,
  type Db,
} from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import { jurisdictionCovers } from '../authz/scope';
import { activeOfficers, institutionJurisdictionPath } from '../classes/classes.repo';
import { formatShanghaiDateTime } from '../filing/china-time';
import type { EvidenceStore } from '../identity/evidence-store';
import type { NotificationService } from '../notify/notifications.service';
import { insertItem, namesOf } from '../oversight/oversight.repo';
import { shanghaiDate, type Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { verifySignature } from '../shared/hmac';
import { auditedWrite } from '../shared/tx';
import { applyVerdict, insertFlag, proctoringOf, recordDevice } from './proctor-records';
import { coalesceFlag } from './proctor-rules';

type AuthedCtx = Ctx & { actor: Actor };

const china = (at: Date | null | undefined) => (at ? formatShanghaiDateTime(at) : null);

const NOT_IN_PROGRESS = {
  zh: '该次考试已交卷或已超时，不再记录监考事件',
  en: 'The attempt is no longer in progress; no more events are recorded',
};
const NOT_YOUR_ATTEMPT = {
  zh: '只能报告本人正在进行的考试',
  en: 'Only the candidate of an attempt reports its events',
};
const BAD_SIGNATURE = {
  zh: '回调签名无效或已过期',
  en: 'The callback signature is missing, wrong or expired',
};
const NOTHING_FLAGGED = {
  zh: '该次考试没有待复核的监考记录',
  en: 'This attempt has nothing flagged to review',
};
const ALREADY_DECIDED = {
  zh: '该次考试的监考记录已复核，不能重复决定',
  en: 'This attempt was reviewed already; the decision stands',
};

/** Reviewers: the class's manager, its instructors and the institution's admin (scope checks which class). */
const REVIEWER_ROLES = ['institution_admin', 'class_manager', 'instructor'] as const;

/**
 * JS-7.3 / QM-4: proctoring of exam attempts through the API: the candidate's client events (time
 * stamped by the server, a flood coalesced), the review list of flagged attempts, the reviewer's
 * decision (a violation opens a QM-4 exam_violation oversight item), the face-match provider's signed
 * callback, and the stills' images. The live node's side (stills, camera) is ./proctor-records.
 */
export function createProctoringService(deps: {
  db: Db;
  clock: Clock;
  store: EvidenceStore;
  notifications: NotificationService;
  /** The face-match provider's shared secret (FACE_MATCH_SECRET): its callbacks are signed with it. */
  providerSecret: string;
}) {
  const { db, clock, store, notifications } = deps;

  async function examOf(examId: string) {
    const [e] = await db.select().from(exams).where(eq(exams.id, examId)).limit(1);
    if (!e) throw new AppError('NOT_FOUND');
    return e;
  }

  const service = {
    recordDevice,

    /**
     * A client event of the candidate's exam page, by the candidate, while the attempt is in
     * progress. The same kind again within 30 s (or past 200 rows) is counted on its last row.
     */
    async recordClientFlag(
      ctx: AuthedCtx,
      examId: string,
      attemptId: string,
      body: ClientFlagBody,
    ): Promise<ClientFlagResult> {
      return db.transaction(async (tx) => {
        const [a] = await tx.select().from(examAttempts).where(eq(examAttempts.id, attemptId)).for('update');
        if (!a || a.examId !== examId) throw new AppError('NOT_FOUND');
        if (a.accountId !== ctx.actor.accountId)
          throw new AppError('FORBIDDEN', { message: NOT_YOUR_ATTEMPT });
        const now = clock.now();
        if (a.status !== 'in_progress' || a.deadlineAt <= now)
          throw new AppError('PRECONDITION_FAILED', { message: NOT_IN_PROGRESS });
        const [{ n }] = (await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(examFlags)
          .where(eq(examFlags.attemptId, attemptId))) as [{ n: number }];
        const [last] = await tx
          .select()
          .from(examFlags)
          .where(and(eq(examFlags.attemptId, attemptId), eq(examFlags.kind, body.kind)))
          .orderBy(desc(examFlags.at))
          .limit(1);
        const lastDetail = (last?.detail ?? {}) as { count?: number; lastAt?: string };
        const lastAt = last ? new Date(lastDetail.lastAt ?? last.at.toISOString()) : null;
        if (last && coalesceFlag({ lastAt: lastAt! }, now, n) === 'coalesce') {
          const count = (lastDetail.count ?? 1) + 1;
          await tx
            .update(examFlags)
            .set({ detail: { ...lastDetail, count, lastAt: now.toISOString() } })
            .where(eq(examFlags.id, last.id));
          return { flagId: last.id, coalesced: true, count, at: last.at.toISOString() };
        }
        const flagId = await insertFlag(tx, {
          attemptId,
          kind: body.kind,
          source: 'client',
          at: now,
          detail: {
            count: 1,
            ...(body.at && { clientAt: body.at }),
            ...(body.detail && { client: body.detail }),
          },
        });
        return { flagId, coalesced: false, count: 1, at: now.toISOString() };
      });
    },

    /** The exam's attempts with flags, stills or a review: flagged first, each with its timeline. */
    async list(ctx: AuthedCtx, examId: string): Promise<ProctoringListView> {
      const exam = await examOf(examId);
      const p = proctoringOf(exam.proctoring);
      const attempts = await db
        .select()
        .from(examAttempts)
        .where(eq(examAttempts.examId, examId))
        .orderBy(asc(examAttempts.startedAt));
      const ids = attempts.map((a) => a.id);
      const [flags, stills, reviews, roster] = ids.length
        ? await Promise.all([
            db.select().from(examFlags).where(inArray(examFlags.attemptId, ids)).orderBy(asc(examFlags.at)),
            // Taken or failed stills only: the planned times are never shown.
            db
              .select()
              .from(examStills)
              .where(
                and(
                  inArray(examStills.attemptId, ids),
                  or(isNotNull(examStills.evidenceId), eq(examStills.verdict, 'unavailable')),
                ),
              )
              .orderBy(asc(examStills.takenAt)),
            db.select().from(examReviews).where(inArray(examReviews.attemptId, ids)),
            db
              .select({ accountId: rosterEntries.accountId, name: rosterEntries.name })
              .from(rosterEntries)
              .where(eq(rosterEntries.classId, exam.classId)),
          ])
        : [[], [], [], []];
      const rosterName = new Map(roster.map((r) => [r.accountId, r.name]));
      const names = await namesOf(db, [
        ...attempts.map((a) => a.accountId),
        ...reviews.map((r) => r.reviewedBy),
      ]);
      const reviewOf = new Map(reviews.map((r) => [r.attemptId, r]));
      const items: ProctoredAttemptView[] = [];
      for (const a of attempts) {
        const mine = flags.filter((f) => f.attemptId === a.id);
        const shots = stills.filter((s) => s.attemptId === a.id);
        const r = reviewOf.get(a.id);
        if (!mine.length && !shots.length && !r && a.reviewState === 'none') continue;
        const state = a.reviewState as ReviewState;
        items.push({
          attemptId: a.id,
          accountId: a.accountId,
          candidateName: rosterName.get(a.accountId) ?? names.get(a.accountId) ?? '—',
          attemptNo: a.attemptNo,
          status: a.status,
          statusLabel: ATTEMPT_STATUS_LABELS[a.status as AttemptStatus] ?? { zh: a.status, en: a.status },
          startedAtText: china(a.startedAt)!,
          submittedAtText: china(a.submittedAt),
          reviewState: state,
          reviewStateLabel: REVIEW_STATE_LABELS[state],
          flagCount: mine.reduce((n, f) => n + ((f.detail as { count?: number }).count ?? 1), 0),
          flags: mine.map((f) => {
            const d = f.detail as Record<string, unknown> & { count?: number; lastAt?: string };
            return {
              id: f.id,
              kind: f.kind as FlagKind,
              kindLabel: FLAG_KIND_LABELS[f.kind as FlagKind] ?? { zh: f.kind, en: f.kind },
              source: f.source as FlagSource,
              sourceLabel: FLAG_SOURCE_LABELS[f.source as FlagSource],
              at: f.at.toISOString(),
              atText: china(f.at)!,
              count: d.count ?? 1,
              lastAtText: d.lastAt && (d.count ?? 1) > 1 ? china(new Date(d.lastAt)) : null,
              detail: d,
              stillId: f.stillId,
            };
          }),
          stills: shots.map((s) => ({
            id: s.id,
            takenAt: s.takenAt.toISOString(),
            takenAtText: china(s.takenAt)!,
            verdict: s.verdict as StillVerdict,
            verdictLabel: STILL_VERDICT_LABELS[s.verdict as StillVerdict],
            evidenceId: s.evidenceId,
            provider: s.provider,
            note: s.note,
            verdictAtText: china(s.verdictAt),
          })),
          review: r
            ? {
                decision: r.decision as 'cleared' | 'violation',
                decisionLabel: REVIEW_STATE_LABELS[r.decision as ReviewState],
                note: r.note,
                reviewedByName: names.get(r.reviewedBy) ?? '—',
                reviewedAt: r.reviewedAt.toISOString(),
                reviewedAtText: china(r.reviewedAt)!,
                oversightItemId: r.oversightItemId,
              }
            : null,
        });
      }
      const rank = (s: ReviewState) => (s === 'flagged' ? 0 : s === 'violation' ? 1 : 2);
      items.sort((x, y) => rank(x.reviewState) - rank(y.reviewState));
      return {
        examId,
        title: exam.title,
        sessionId: exam.sessionId,
        camera: p.camera,
        stillsPerAttempt: p.stillsPerAttempt,
        canReview: ctx.actor.roles.some((r) => (REVIEWER_ROLES as readonly string[]).includes(r)),
        counts: {
          attempts: attempts.length,
          flagged: items.filter((i) => i.reviewState === 'flagged').length,
          violations: items.filter((i) => i.reviewState === 'violation').length,
        },
        items,
      };
    },

    /**
     * The reviewer's decision on a flagged attempt (once; audited). A violation opens a QM-4
     * exam_violation oversight item of the institution (the officers of its jurisdiction see it among
     * their findings and are notified).
     */
    async review(
      ctx: AuthedCtx,
      examId: string,
      attemptId: string,
      body: ProctoringReviewBody,
    ): Promise<ProctoredAttemptView> {
      const exam = await examOf(examId);
      await auditedWrite(db, clock, ctx, async (tx) => {
        const [a] = await tx.select().from(examAttempts).where(eq(examAttempts.id, attemptId)).for('update');
        if (!a || a.examId !== examId) throw new AppError('NOT_FOUND');
        if (a.reviewState === 'cleared' || a.reviewState === 'violation')
          throw new AppError('CONFLICT', { message: ALREADY_DECIDED });
        if (a.reviewState !== 'flagged')
          throw new AppError('PRECONDITION_FAILED', { message: NOTHING_FLAGGED });
        const now = clock.now();
        let oversightItemId: string | null = null;
        if (body.decision === 'violation') {
          const [inst] = await tx
            .select({ jurisdictionId: institutions.jurisdictionId })
            .from(institutions)
            .where(eq(institutions.id, exam.institutionId));
          const [who] = await tx
            .select({ name: rosterEntries.name })
            .from(rosterEntries)
            .where(and(eq(rosterEntries.classId, exam.classId), eq(rosterEntries.accountId, a.accountId)))
            .limit(1);
          const kinds = await tx
            .selectDistinct({ kind: examFlags.kind })
            .from(examFlags)
            .where(eq(examFlags.attemptId, attemptId));
          const label = kinds.map((k) => FLAG_KIND_LABELS[k.kind as FlagKind]?.zh ?? k.kind).join('、');
          const item = await insertItem(tx, {
            institutionId: exam.institutionId,
            jurisdictionId: inst!.jurisdictionId,
            classId: exam.classId,
            kind: 'exam_violation',
            title: `${exam.title}：${who?.name ?? '考生'}考试违纪 Exam-discipline violation`,
            detail: `${body.note}\n监考记录 Flags: ${label}（第 ${a.attemptNo} 次考试 attempt ${a.attemptNo}）`,
            occurredOn: shanghaiDate(a.startedAt),
            deadline: null,
            status: 'open',
            recordedBy: ctx.actor.accountId,
            createdAt: now,
            updatedAt: now,
          });
          oversightItemId = item.id;
          const path = await institutionJurisdictionPath(tx, exam.institutionId);
          const officers = path
            ? (await activeOfficers(tx)).filter((o) => jurisdictionCovers(o.path, path)).map((o) => o.id)
            : [];
          const k = OVERSIGHT_ITEM_KIND_LABELS.exam_violation;
          await notifications.notify(tx, officers, {
            kind: 'exam.violation_recorded',
            title: { zh: `${k.zh}：${exam.title}`, en: `${k.en}: ${exam.title}` },
            body: {
              zh: `机构认定一名考生考试违纪（${china(now)} 北京时间），请在监管事项中查阅。`,
              en: `The institution found a candidate in breach of exam discipline (${china(now)} China time); see the oversight items.`,
            },
            data: { institutionId: exam.institutionId, itemId: item.id, examId, attemptId },
            dedupeKey: `exam-violation:${attemptId}`,
          });
        }
        await tx.insert(examReviews).values({
          attemptId,
          decision: body.decision,
          note: body.note,
          reviewedBy: ctx.actor.accountId,
          reviewedAt: now,
          oversightItemId,
        });
        await tx
          .update(examAttempts)
          .set({ reviewState: body.decision })
          .where(eq(examAttempts.id, attemptId));
        return {
          result: null,
          audit: {
            action: 'exam.proctoring_reviewed',
            targetType: 'exam_attempt',
            targetId: attemptId,
            institutionId: exam.institutionId,
            data: { examId, decision: body.decision, note: body.note, oversightItemId },
          },
        };
      });
      const view = await service.list(ctx, examId);
      return view.items.find((i) => i.attemptId === attemptId)!;
    },

    /** The provider's signature on a callback's raw body (shared secret, at most 5 minutes old). */
    checkSignature(raw: string, signature: string | undefined): void {
      if (!verifySignature(deps.providerSecret, raw, signature, clock.now()))
        throw new AppError('UNAUTHENTICATED', { message: BAD_SIGNATURE });
    },

    /**
     * The face-match provider's later verdict on a still: the raw body's HMAC signature (the shared
     * secret, at most 5 minutes old) first, else UNAUTHENTICATED; then by providerRef, once (a replay
     * changes nothing and says so); audited.
     */
    async providerCallback(
      raw: string,
      signature: string | undefined,
      body: ProctoringCallbackBody,
      requestId: string,
    ): Promise<ProctoringCallbackResult> {
      service.checkSignature(raw, signature);
      const [still] = await db
        .select({ id: examStills.id, attemptId: examStills.attemptId, verdict: examStills.verdict })
        .from(examStills)
        .where(eq(examStills.providerRef, body.providerRef))
        .limit(1);
      if (!still) throw new AppError('NOT_FOUND');
      const applied = await db.transaction(async (tx) => {
        const ok = await applyVerdict(tx, clock, still.id, body.verdict, body.note ?? null);
        if (ok)
          await appendAudit(
            tx,
            { actor: null, requestId },
            {
              action: 'exam.still_verdict',
              targetType: 'exam_still',
              targetId: still.id,
              data: { attemptId: still.attemptId, verdict: body.verdict, score: body.score ?? null },
            },
            clock.now(),
          );
        return ok;
      });
      const [now] = await db
        .select({ verdict: examStills.verdict })
        .from(examStills)
        .where(eq(examStills.id, still.id));
      return { ok: true, applied, verdict: now!.verdict as StillVerdict };
    },

    /** A still's JPEG for the review page (the still must be of this attempt); the view is audited. */
    async stillImage(ctx: AuthedCtx, attemptId: string, stillId: string) {
      const [r] = await db
        .select({ e: evidenceFiles })
        .from(examStills)
        .innerJoin(evidenceFiles, eq(evidenceFiles.id, examStills.evidenceId))
        .where(and(eq(examStills.id, stillId), eq(examStills.attemptId, attemptId)))
        .limit(1);
      if (!r) throw new AppError('NOT_FOUND');
      const bytes = await store.get(r.e.storageKey, r.e.sha256);
      await auditedWrite(db, clock, ctx, async () => ({
        result: null,
        audit: {
          action: 'evidence.viewed',
          targetType: 'evidence',
          targetId: r.e.id,
          institutionId: r.e.institutionId,
          data: { kind: r.e.kind, classId: r.e.classId, sha256: r.e.sha256, stillId },
        },
      }));
      return { bytes, mimeType: r.e.mimeType, sha256: r.e.sha256 };
    },
  };
  return service;
}
export type ProctoringService = ReturnType<typeof createProctoringService>;
