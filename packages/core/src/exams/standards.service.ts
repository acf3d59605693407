import { and, desc, eq, inArray } from 'drizzle-orm';
import {
  FILL_IN_POLICY_LABELS,
  MULTIPLE_CHOICE_POLICY_LABELS,
  QUESTION_TYPE_LABELS,
  STANDARD_VERSION_STATUS_LABELS,
  type Blueprint,
  type BlueprintCheckView,
  type ExamStandardBody,
  type ExamStandardDecisionBody,
  type ExamStandardListView,
  type ExamStandardVersionBody,
  type ExamStandardVersionView,
  type ExamStandardView,
  type LocalizedText,
  type MarkingPolicy,
  type PassMark,
  type StandardVersionStatus,
} from '@seafarer/contracts';
import {
  accounts,
  examStandards,
  examStandardVersions,
  people,
  trainingItems,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { formatChinaMinute } from '../filing/china-time';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import { assemblePaper, blueprintTotals, checkBlueprint, shortCells } from './paper';
import { newPaperSeed } from './prng';
import { bankCells, loadPool } from './standard-pool';

type AuthedCtx = Ctx & { actor: Actor };
type VersionRow = typeof examStandardVersions.$inferSelect;
type StandardRow = typeof examStandards.$inferSelect;

/** "60 分及格 / Pass at 60 points", "60% 及格 / Pass at 60%". */
export function passMarkText(p: PassMark): LocalizedText {
  return p.kind === 'points'
    ? { zh: `${p.value} 分及格`, en: `Pass at ${p.value} points` }
    : { zh: `得分率 ${p.value}% 及格`, en: `Pass at ${p.value}%` };
}

export const markingPolicyText = (m: MarkingPolicy) => ({
  multiple: MULTIPLE_CHOICE_POLICY_LABELS[m.multiple],
  fillIn: FILL_IN_POLICY_LABELS[m.fillIn],
});

/** Display names of accounts, by id. */
export async function accountNames(tx: DbOrTx, ids: (string | null | undefined)[]) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (unique.length === 0) return new Map<string, string>();
  const rows = await tx
    .select({ id: accounts.id, name: people.displayName })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(inArray(accounts.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const invalid = (message: LocalizedText, details?: unknown) =>
  new AppError('VALIDATION', { message, details });

/** The parts of a standard version that do not need the bank (duplicate cells, pass mark above the total). */
function checkContent(body: ExamStandardVersionBody): void {
  checkBlueprint(body.blueprint);
  const { score } = blueprintTotals(body.blueprint);
  if (body.passMark.kind === 'points' && score !== null && body.passMark.value > score)
    throw invalid(
      {
        zh: `及格分 ${body.passMark.value} 高于试卷总分 ${score}`,
        en: `The pass mark ${body.passMark.value} is above the paper's total ${score}`,
      },
      { in: 'passMark', total: score },
    );
}

/**
 * JS-7.3 / QM-2 / seed 004 4.4: exam standards (blueprint, pass mark, marking policy, duration) of a
 * training item, in immutable versions. A class manager (or admin) drafts; the institution's admin who
 * is not the draft's author approves or rejects it (four eyes). Approval draws a paper from the bank as
 * it is now, so a blueprint the bank cannot meet is refused naming the short cell. Only an approved
 * version is used by an exam; a newer approval supersedes the previous one (exams keep theirs).
 */
export function createExamStandardService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function item(tx: DbOrTx, itemId: string) {
    const [r] = await tx
      .select({ id: trainingItems.id, institutionId: trainingItems.institutionId })
      .from(trainingItems)
      .where(eq(trainingItems.id, itemId))
      .limit(1);
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function standardOf(tx: DbOrTx, itemId: string, standardId: string, lock = false) {
    const q = tx
      .select()
      .from(examStandards)
      .where(and(eq(examStandards.id, standardId), eq(examStandards.trainingItemId, itemId)))
      .limit(1);
    const [r] = lock ? await q.for('update') : await q;
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  const versionView = (v: VersionRow, who: Map<string, string>): ExamStandardVersionView => {
    const blueprint = v.blueprint as Blueprint;
    const totals = blueprintTotals(blueprint);
    const passMark = v.passMark as PassMark;
    const markingPolicy = v.markingPolicy as MarkingPolicy;
    const status = v.status as StandardVersionStatus;
    return {
      id: v.id,
      version: v.version,
      status,
      statusLabel: STANDARD_VERSION_STATUS_LABELS[status],
      blueprint,
      questions: totals.questions,
      score: totals.score,
      passMark,
      passMarkText: passMarkText(passMark),
      markingPolicy,
      markingPolicyText: markingPolicyText(markingPolicy),
      durationMinutes: v.durationMinutes,
      note: v.note,
      createdBy: v.createdBy,
      createdByName: who.get(v.createdBy) ?? '',
      createdAt: v.createdAt.toISOString(),
      createdAtText: formatChinaMinute(v.createdAt),
      decidedByName: v.decidedBy ? (who.get(v.decidedBy) ?? '') : null,
      decidedAtText: v.decidedAt ? formatChinaMinute(v.decidedAt) : null,
      decisionNote: v.decisionNote,
    };
  };

  async function views(tx: DbOrTx, standards: StandardRow[]): Promise<ExamStandardView[]> {
    if (standards.length === 0) return [];
    const versions = await tx
      .select()
      .from(examStandardVersions)
      .where(
        inArray(
          examStandardVersions.standardId,
          standards.map((s) => s.id),
        ),
      )
      .orderBy(desc(examStandardVersions.version));
    const who = await accountNames(
      tx,
      versions.flatMap((v) => [v.createdBy, v.decidedBy]),
    );
    return standards.map((s) => {
      const mine = versions.filter((v) => v.standardId === s.id);
      const current = mine.find((v) => v.id === s.currentVersionId);
      return {
        id: s.id,
        trainingItemId: s.trainingItemId,
        name: s.name,
        currentVersionId: s.currentVersionId,
        currentVersion: current?.version ?? null,
        draftVersion: mine.find((v) => v.status === 'draft')?.version ?? null,
        createdAtText: formatChinaMinute(s.createdAt),
        versions: mine.map((v) => versionView(v, who)),
      };
    });
  }

  async function get(itemId: string, standardId: string): Promise<ExamStandardView> {
    const s = await standardOf(db, itemId, standardId);
    return (await views(db, [s]))[0]!;
  }

  async function insertVersion(
    tx: DbOrTx,
    standardId: string,
    version: number,
    body: ExamStandardVersionBody,
    by: string,
  ) {
    const [v] = await tx
      .insert(examStandardVersions)
      .values({
        standardId,
        version,
        status: 'draft',
        blueprint: body.blueprint,
        passMark: body.passMark,
        markingPolicy: body.markingPolicy,
        durationMinutes: body.durationMinutes,
        note: body.note ?? '',
        createdBy: by,
        createdAt: clock.now(),
      })
      .returning();
    return v!;
  }

  const contentOf = (body: ExamStandardBody | ExamStandardVersionBody): ExamStandardVersionBody => ({
    blueprint: body.blueprint,
    passMark: body.passMark,
    markingPolicy: body.markingPolicy,
    durationMinutes: body.durationMinutes,
    ...(body.note !== undefined && { note: body.note }),
  });

  return {
    get,

    /** The item's standards with every version, and the bank's counts per cell. */
    async list(itemId: string): Promise<ExamStandardListView> {
      await item(db, itemId);
      const rows = await db
        .select()
        .from(examStandards)
        .where(eq(examStandards.trainingItemId, itemId))
        .orderBy(examStandards.createdAt, examStandards.id);
      return { items: await views(db, rows), bank: await bankCells(db, itemId) };
    },

    /** JS-7.3: a blueprint against the bank now: what each cell needs and has (nothing stored). */
    async check(itemId: string, blueprint: Blueprint): Promise<BlueprintCheckView> {
      await item(db, itemId);
      checkBlueprint(blueprint);
      const pool = await loadPool(db, itemId);
      const short = shortCells(blueprint, pool);
      const bank = await bankCells(db, itemId);
      const has = new Map(
        bank.cells.map((c) => [`${c.chapter}\u0000${c.type}\u0000${c.difficulty}`, c.available]),
      );
      let message: LocalizedText | null = null;
      if (short.length > 0) {
        try {
          assemblePaper(blueprint, pool, newPaperSeed());
        } catch (e) {
          if (e instanceof AppError) message = e.localized;
          else throw e;
        }
      }
      const totals = blueprintTotals(blueprint);
      return {
        ok: short.length === 0,
        cells: blueprint.cells.map((c) => {
          const available = has.get(`${c.chapter}\u0000${c.type}\u0000${c.difficulty}`) ?? 0;
          return {
            chapter: c.chapter,
            type: c.type,
            typeLabel: QUESTION_TYPE_LABELS[c.type],
            difficulty: c.difficulty,
            count: c.count,
            scorePerQuestion: c.scorePerQuestion ?? null,
            available,
            short: available < c.count,
          };
        }),
        questions: totals.questions,
        score: totals.score,
        message,
      };
    },

    /** QM-2: a new standard with its version 1, a draft. */
    async create(ctx: AuthedCtx, itemId: string, body: ExamStandardBody): Promise<ExamStandardView> {
      const content = contentOf(body);
      checkContent(content);
      const id = await auditedWrite(db, clock, ctx, async (tx) => {
        const it = await item(tx, itemId);
        const [s] = await tx
          .insert(examStandards)
          .values({
            institutionId: it.institutionId,
            trainingItemId: it.id,
            name: body.name,
            createdBy: ctx.actor.accountId,
            createdAt: clock.now(),
          })
          .returning();
        const v = await insertVersion(tx, s!.id, 1, content, ctx.actor.accountId);
        return {
          result: s!.id,
          audit: {
            action: 'exam_standard.created',
            targetType: 'exam_standard',
            targetId: s!.id,
            institutionId: it.institutionId,
            data: { trainingItemId: itemId, versionId: v.id, version: 1, name: body.name },
          },
        };
      });
      return get(itemId, id);
    },

    /** QM-2: a new draft version (one draft at a time; approved versions are never changed). */
    async addVersion(
      ctx: AuthedCtx,
      itemId: string,
      standardId: string,
      body: ExamStandardVersionBody,
    ): Promise<ExamStandardView> {
      const content = contentOf(body);
      checkContent(content);
      await auditedWrite(db, clock, ctx, async (tx) => {
        const s = await standardOf(tx, itemId, standardId, true);
        const versions = await tx
          .select({ version: examStandardVersions.version, status: examStandardVersions.status })
          .from(examStandardVersions)
          .where(eq(examStandardVersions.standardId, s.id));
        const draft = versions.find((v) => v.status === 'draft');
        if (draft)
          throw new AppError('CONFLICT', {
            message: {
              zh: `第 ${draft.version} 版草稿尚待审批，请先批准或退回`,
              en: `Draft version ${draft.version} is awaiting a decision; approve or reject it first`,
            },
            details: { draftVersion: draft.version },
          });
        const next = Math.max(0, ...versions.map((v) => v.version)) + 1;
        const v = await insertVersion(tx, s.id, next, content, ctx.actor.accountId);
        return {
          result: null,
          audit: {
            action: 'exam_standard.version_drafted',
            targetType: 'exam_standard',
            targetId: s.id,
            institutionId: s.institutionId,
            data: { trainingItemId: itemId, versionId: v.id, version: next },
          },
        };
      });
      return get(itemId, standardId);
    },

    /**
     * QM-2 four eyes: the institution's admin approves or rejects a draft they did not write. Approval
     * draws a paper from the bank now (a blueprint the bank cannot meet is refused naming the short
     * cell); the previous approved version becomes superseded.
     */
    async decide(
      ctx: AuthedCtx,
      itemId: string,
      standardId: string,
      body: ExamStandardDecisionBody,
    ): Promise<ExamStandardView> {
      if (body.decision === 'reject' && !body.note?.trim())
        throw invalid(
          { zh: '退回时请写明原因', en: 'Give a reason for rejecting the draft' },
          { in: 'note' },
        );
      await auditedWrite(db, clock, ctx, async (tx) => {
        const s = await standardOf(tx, itemId, standardId, true);
        const [v] = await tx
          .select()
          .from(examStandardVersions)
          .where(
            and(eq(examStandardVersions.standardId, s.id), eq(examStandardVersions.version, body.version)),
          )
          .limit(1);
        if (!v) throw new AppError('NOT_FOUND');
        if (v.status !== 'draft')
          throw new AppError('CONFLICT', {
            message: {
              zh: `第 ${v.version} 版${STANDARD_VERSION_STATUS_LABELS[v.status as StandardVersionStatus].zh}，不能再审批；如需修改请起草新版本`,
              en: `Version ${v.version} is ${STANDARD_VERSION_STATUS_LABELS[v.status as StandardVersionStatus].en.toLowerCase()} and cannot be decided again; draft a new version to change it`,
            },
            details: { status: v.status },
          });
        if (v.createdBy === ctx.actor.accountId)
          throw new AppError('FORBIDDEN', {
            message: {
              zh: '不能审批自己起草的考试标准，须由另一位机构管理员审批',
              en: 'You cannot decide on a standard version you drafted; another institution admin must',
            },
            details: { reason: 'own_draft' },
          });
        const now = clock.now();
        let paperQuestions: number | null = null;
        if (body.decision === 'approve') {
          const blueprint = v.blueprint as Blueprint;
          const paper = assemblePaper(blueprint, await loadPool(tx, itemId), newPaperSeed());
          paperQuestions = paper.questions.length;
          const passMark = v.passMark as PassMark;
          if (passMark.kind === 'points' && passMark.value > paper.totalScore)
            throw invalid(
              {
                zh: `及格分 ${passMark.value} 高于按此规则组出的试卷总分 ${paper.totalScore}`,
                en: `The pass mark ${passMark.value} is above the total ${paper.totalScore} of a paper drawn by this blueprint`,
              },
              { in: 'passMark', total: paper.totalScore },
            );
          if (s.currentVersionId)
            await tx
              .update(examStandardVersions)
              .set({ status: 'superseded' })
              .where(
                and(
                  eq(examStandardVersions.id, s.currentVersionId),
                  eq(examStandardVersions.status, 'approved'),
                ),
              );
          await tx.update(examStandards).set({ currentVersionId: v.id }).where(eq(examStandards.id, s.id));
        }
        await tx
          .update(examStandardVersions)
          .set({
            status: body.decision === 'approve' ? 'approved' : 'rejected',
            decidedBy: ctx.actor.accountId,
            decidedAt: now,
            decisionNote: body.note ?? null,
          })
          .where(eq(examStandardVersions.id, v.id));
        return {
          result: null,
          audit: {
            action: body.decision === 'approve' ? 'exam_standard.approved' : 'exam_standard.rejected',
            targetType: 'exam_standard',
            targetId: s.id,
            institutionId: s.institutionId,
            data: {
              trainingItemId: itemId,
              versionId: v.id,
              version: v.version,
              ...(body.decision === 'approve' && {
                supersededVersionId: s.currentVersionId,
                paperQuestions,
              }),
              ...(body.note && { note: body.note }),
            },
          },
        };
      });
      return get(itemId, standardId);
    },

    /**
     * An approved version (and its standard) an exam of a class of `itemId` may be set from; a draft,
     * rejected or superseded version is refused (PRECONDITION_FAILED), another item's is NOT_FOUND.
     */
    async approvedVersion(tx: DbOrTx, itemId: string, versionId: string) {
      const [r] = await tx
        .select({ v: examStandardVersions, s: examStandards })
        .from(examStandardVersions)
        .innerJoin(examStandards, eq(examStandards.id, examStandardVersions.standardId))
        .where(and(eq(examStandardVersions.id, versionId), eq(examStandards.trainingItemId, itemId)))
        .limit(1);
      if (!r)
        throw new AppError('NOT_FOUND', {
          message: {
            zh: '本班培训项目下没有该考试标准版本',
            en: "No such exam standard version for the class's training item",
          },
        });
      if (r.v.status !== 'approved')
        throw new AppError('PRECONDITION_FAILED', {
          message: {
            zh: `考试标准“${r.s.name}”第 ${r.v.version} 版${STANDARD_VERSION_STATUS_LABELS[r.v.status as StandardVersionStatus].zh}，只有已批准的在用版本才能用于考试`,
            en: `Version ${r.v.version} of the exam standard "${r.s.name}" is ${STANDARD_VERSION_STATUS_LABELS[r.v.status as StandardVersionStatus].en.toLowerCase()}; only the approved version in use can be used by an exam`,
          },
          details: { status: r.v.status },
        });
      return r;
    },

    /** The approved versions in use of an item's standards (what a new exam may be set from). */
    async approvedOf(tx: DbOrTx, itemId: string) {
      return tx
        .select({ v: examStandardVersions, s: examStandards })
        .from(examStandards)
        .innerJoin(examStandardVersions, eq(examStandardVersions.id, examStandards.currentVersionId))
        .where(and(eq(examStandards.trainingItemId, itemId), eq(examStandardVersions.status, 'approved')))
        .orderBy(examStandards.createdAt);
    },
  };
}
export type ExamStandardService = ReturnType<typeof createExamStandardService>;
