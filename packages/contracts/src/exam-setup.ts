// Contracts of exam standards (versioned, approved) and exams of a class (issue 12 §3, owner: standards).
// JS-7.3 / QM-2 / seed 004 4.4.
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import { LocalizedText as LocalizedTextSchema, type LocalizedText } from './errors';
import { Blueprint, MarkingPolicy, PassMark, Paper, QuestionType } from './exams';

// ---- Exam standards (考试标准) ----

export const STANDARD_VERSION_STATUSES = ['draft', 'approved', 'superseded', 'rejected'] as const;
export type StandardVersionStatus = (typeof STANDARD_VERSION_STATUSES)[number];
export const StandardVersionStatus = Type.Union(STANDARD_VERSION_STATUSES.map((s) => Type.Literal(s)));
export const STANDARD_VERSION_STATUS_LABELS: Readonly<Record<StandardVersionStatus, LocalizedText>> = {
  draft: { zh: '草稿（待审批）', en: 'Draft (awaiting approval)' },
  approved: { zh: '已批准（在用）', en: 'Approved (in use)' },
  superseded: { zh: '已被新版本取代', en: 'Superseded' },
  rejected: { zh: '已退回', en: 'Rejected' },
};

/** The content of one standard version. */
const StandardContent = {
  blueprint: Blueprint,
  passMark: PassMark,
  markingPolicy: MarkingPolicy,
  durationMinutes: Type.Integer({ minimum: 1, maximum: 600 }),
  note: Type.Optional(Text({ maxLength: 2000 })),
};

/** A new standard with its version 1 (a draft). */
export const ExamStandardBody = Strict({ name: NonEmpty(200), ...StandardContent });
export type ExamStandardBody = Static<typeof ExamStandardBody>;

/** A new draft version of a standard. */
export const ExamStandardVersionBody = Strict(StandardContent);
export type ExamStandardVersionBody = Static<typeof ExamStandardVersionBody>;

/** The admin's decision on a draft version (four eyes: never its author). */
export const ExamStandardDecisionBody = Strict({
  version: Type.Integer({ minimum: 1, maximum: 100000 }),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  note: Type.Optional(Text({ maxLength: 2000 })),
});
export type ExamStandardDecisionBody = Static<typeof ExamStandardDecisionBody>;

export const BlueprintCheckBody = Strict({ blueprint: Blueprint });
export type BlueprintCheckBody = Static<typeof BlueprintCheckBody>;

/** How many active questions the bank has in one cell (chapter × type × difficulty). */
export const BankCell = Type.Object({
  chapter: Type.String(),
  type: QuestionType,
  typeLabel: LocalizedTextSchema,
  difficulty: Type.Integer(),
  available: Type.Integer(),
});
export type BankCell = Static<typeof BankCell>;

export const BankCellsView = Type.Object({
  chapters: Type.Array(Type.String()),
  cells: Type.Array(BankCell),
});
export type BankCellsView = Static<typeof BankCellsView>;

/** A blueprint checked against the bank now: each cell with what the bank has. */
export const BlueprintCheckView = Type.Object({
  ok: Type.Boolean(),
  cells: Type.Array(
    Type.Object({
      chapter: Type.String(),
      type: QuestionType,
      typeLabel: LocalizedTextSchema,
      difficulty: Type.Integer(),
      count: Type.Integer(),
      scorePerQuestion: Type.Union([Type.Number(), Type.Null()]),
      available: Type.Integer(),
      short: Type.Boolean(),
    }),
  ),
  questions: Type.Integer(),
  /** Null when a cell takes each question's own score. */
  score: Type.Union([Type.Number(), Type.Null()]),
  /** Why the bank cannot meet it (zh/en), when not ok. */
  message: Type.Union([LocalizedTextSchema, Type.Null()]),
});
export type BlueprintCheckView = Static<typeof BlueprintCheckView>;

export const ExamStandardVersionView = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  status: StandardVersionStatus,
  statusLabel: LocalizedTextSchema,
  blueprint: Blueprint,
  questions: Type.Integer(),
  score: Type.Union([Type.Number(), Type.Null()]),
  passMark: PassMark,
  passMarkText: LocalizedTextSchema,
  markingPolicy: MarkingPolicy,
  markingPolicyText: Type.Object({ multiple: LocalizedTextSchema, fillIn: LocalizedTextSchema }),
  durationMinutes: Type.Integer(),
  note: Type.String(),
  createdBy: Uuid,
  createdByName: Type.String(),
  createdAt: IsoDateTime,
  createdAtText: Type.String(),
  decidedByName: Type.Union([Type.String(), Type.Null()]),
  decidedAtText: Type.Union([Type.String(), Type.Null()]),
  decisionNote: Type.Union([Type.String(), Type.Null()]),
});
export type ExamStandardVersionView = Static<typeof ExamStandardVersionView>;

export const ExamStandardView = Type.Object({
  id: Uuid,
  trainingItemId: Uuid,
  name: Type.String(),
  /** The approved version in use (null until one is approved). */
  currentVersionId: Type.Union([Uuid, Type.Null()]),
  currentVersion: Type.Union([Type.Integer(), Type.Null()]),
  /** The draft awaiting a decision, if any (one at a time). */
  draftVersion: Type.Union([Type.Integer(), Type.Null()]),
  createdAtText: Type.String(),
  /** Newest first. */
  versions: Type.Array(ExamStandardVersionView),
});
export type ExamStandardView = Static<typeof ExamStandardView>;

export const ExamStandardListView = Type.Object({
  items: Type.Array(ExamStandardView),
  /** The item's bank now: active questions per cell (for the blueprint editor). */
  bank: BankCellsView,
});
export type ExamStandardListView = Static<typeof ExamStandardListView>;

export const ExamStandardItemParams = Strict({ itemId: Uuid });
export const ExamStandardParams = Strict({ itemId: Uuid, standardId: Uuid });

// ---- Exams of a class ----

export const PAPER_MODES = ['fixed', 'per_candidate'] as const;
export type PaperMode = (typeof PAPER_MODES)[number];
export const PaperMode = Type.Union(PAPER_MODES.map((m) => Type.Literal(m)));
export const PAPER_MODE_LABELS: Readonly<Record<PaperMode, LocalizedText>> = {
  fixed: { zh: '统一试卷', en: 'One paper for all' },
  per_candidate: { zh: '一人一卷', en: 'A paper per candidate' },
};

export const EXAM_KINDS = ['exam', 'retake'] as const;
export type ExamKind = (typeof EXAM_KINDS)[number];
export const EXAM_KIND_LABELS: Readonly<Record<ExamKind, LocalizedText>> = {
  exam: { zh: '考试', en: 'Exam' },
  retake: { zh: '补考', en: 'Retake' },
};

/** What an exam is now (from its status and window). */
export const EXAM_STATES = ['not_open', 'open', 'closed', 'released', 'cancelled'] as const;
export type ExamState = (typeof EXAM_STATES)[number];
export const ExamState = Type.Union(EXAM_STATES.map((s) => Type.Literal(s)));
export const EXAM_STATE_LABELS: Readonly<Record<ExamState, LocalizedText>> = {
  not_open: { zh: '未开考', en: 'Not yet open' },
  open: { zh: '考试中', en: 'Open' },
  closed: { zh: '已结束', en: 'Closed' },
  released: { zh: '成绩已发布', en: 'Results released' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

/** A trainee's view of one of their exams. */
export const MY_EXAM_STATES = [
  'not_open',
  'open',
  'in_progress',
  'submitted',
  'missed',
  'released',
  'cancelled',
] as const;
export type MyExamState = (typeof MY_EXAM_STATES)[number];
export const MyExamState = Type.Union(MY_EXAM_STATES.map((s) => Type.Literal(s)));
export const MY_EXAM_STATE_LABELS: Readonly<Record<MyExamState, LocalizedText>> = {
  not_open: { zh: '未开考', en: 'Not yet open' },
  open: { zh: '可以参加', en: 'Open' },
  in_progress: { zh: '作答中', en: 'In progress' },
  submitted: { zh: '已交卷', en: 'Submitted' },
  missed: { zh: '未参加（已结束）', en: 'Missed (closed)' },
  released: { zh: '成绩已发布', en: 'Results released' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

export const Proctoring = Strict({
  camera: Type.Boolean(),
  stillsPerAttempt: Type.Integer({ minimum: 0, maximum: 20 }),
});
export type Proctoring = Static<typeof Proctoring>;

export const ExamBody = Strict({
  standardVersionId: Uuid,
  title: NonEmpty(200),
  paperMode: PaperMode,
  opensAt: IsoDateTime,
  closesAt: IsoDateTime,
  /** The class's live session the exam is invigilated in. */
  sessionId: Type.Optional(Uuid),
  proctoring: Type.Optional(Proctoring),
});
export type ExamBody = Static<typeof ExamBody>;

export const ExtraTimeBody = Strict({
  accountId: Uuid,
  extraMinutes: Type.Integer({ minimum: 0, maximum: 600 }),
  reason: NonEmpty(500),
});
export type ExtraTimeBody = Static<typeof ExtraTimeBody>;

export const RetakeBody = Strict({
  title: Type.Optional(NonEmpty(200)),
  opensAt: IsoDateTime,
  closesAt: IsoDateTime,
  sessionId: Type.Optional(Uuid),
  paperMode: Type.Optional(PaperMode),
});
export type RetakeBody = Static<typeof RetakeBody>;

export const ExamView = Type.Object({
  id: Uuid,
  classId: Uuid,
  title: Type.String(),
  kind: Type.Union(EXAM_KINDS.map((k) => Type.Literal(k))),
  kindLabel: LocalizedTextSchema,
  retakeOf: Type.Union([Uuid, Type.Null()]),
  paperMode: PaperMode,
  paperModeLabel: LocalizedTextSchema,
  standardId: Uuid,
  standardName: Type.String(),
  standardVersionId: Uuid,
  standardVersion: Type.Integer(),
  durationMinutes: Type.Integer(),
  passMarkText: LocalizedTextSchema,
  opensAt: IsoDateTime,
  closesAt: IsoDateTime,
  /** China time, "2026-12-03 09:00 – 11:00". */
  windowText: Type.String(),
  sessionId: Type.Union([Uuid, Type.Null()]),
  sessionText: Type.Union([Type.String(), Type.Null()]),
  proctoring: Proctoring,
  state: ExamState,
  stateLabel: LocalizedTextSchema,
  candidateCount: Type.Integer(),
  /** The fixed paper's questions and total; for a paper per candidate, the blueprint's. */
  questionCount: Type.Integer(),
  totalScore: Type.Union([Type.Number(), Type.Null()]),
  createdAtText: Type.String(),
});
export type ExamView = Static<typeof ExamView>;

export const ExamCandidateView = Type.Object({
  accountId: Uuid,
  rosterEntryId: Type.Union([Uuid, Type.Null()]),
  name: Type.String(),
  username: Type.String(),
  extraMinutes: Type.Integer(),
  extraReason: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  /** The candidate's latest attempt of this exam. */
  latest: Type.Union([
    Type.Object({
      attemptNo: Type.Integer(),
      status: Type.String(),
      statusLabel: LocalizedTextSchema,
      score: Type.Union([Type.Number(), Type.Null()]),
      verdict: Type.Union([Type.String(), Type.Null()]),
      verdictLabel: Type.Union([LocalizedTextSchema, Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export type ExamCandidateView = Static<typeof ExamCandidateView>;

export const ExamDetailView = Type.Intersect([
  ExamView,
  Type.Object({
    markingPolicy: MarkingPolicy,
    markingPolicyText: Type.Object({ multiple: LocalizedTextSchema, fillIn: LocalizedTextSchema }),
    passMark: PassMark,
    candidates: Type.Array(ExamCandidateView),
    retakes: Type.Array(Type.Object({ id: Uuid, title: Type.String(), windowText: Type.String() })),
  }),
]);
export type ExamDetailView = Static<typeof ExamDetailView>;

export const ExamListView = Type.Object({
  items: Type.Array(ExamView),
  /** The approved standard versions of the class's item (what a new exam may be set from). */
  standards: Type.Array(
    Type.Object({
      standardId: Uuid,
      versionId: Uuid,
      name: Type.String(),
      version: Type.Integer(),
      durationMinutes: Type.Integer(),
      passMarkText: LocalizedTextSchema,
      questions: Type.Integer(),
    }),
  ),
  /** The class's confirmed sessions (an exam may be invigilated in one). */
  sessions: Type.Array(Type.Object({ id: Uuid, seq: Type.Integer(), label: Type.String() })),
});
export type ExamListView = Static<typeof ExamListView>;

export const ClassExamsParams = Strict({ classId: Uuid });
export const ClassExamParams = Strict({ classId: Uuid, examId: Uuid });

/** Staff read of the paper a candidate gets (fixed: the exam's; per candidate: drawn from the seed). */
export const ExamPaperQuery = Type.Object(
  { accountId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const ExamPaperView = Type.Object({
  accountId: Type.Union([Uuid, Type.Null()]),
  paperMode: PaperMode,
  attemptNo: Type.Integer(),
  /** The paper's seed (the exam's for a fixed paper; the candidate's, derived from it, otherwise). */
  seed: Type.String(),
  /** True: the paper stored with the candidate's attempt; false: drawn now from the seed. */
  stored: Type.Boolean(),
  paper: Paper,
});
export type ExamPaperView = Static<typeof ExamPaperView>;

export const MyExamView = Type.Object({
  examId: Uuid,
  classId: Uuid,
  className: Type.String(),
  title: Type.String(),
  kindLabel: LocalizedTextSchema,
  opensAt: IsoDateTime,
  closesAt: IsoDateTime,
  windowText: Type.String(),
  /** The exam's duration plus the candidate's extra time. */
  durationMinutes: Type.Integer(),
  extraMinutes: Type.Integer(),
  state: MyExamState,
  stateLabel: LocalizedTextSchema,
  /** The exam page. */
  link: Type.String(),
});
export type MyExamView = Static<typeof MyExamView>;

export const MyExamListView = Type.Object({ items: Type.Array(MyExamView) });
export type MyExamListView = Static<typeof MyExamListView>;
