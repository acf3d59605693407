import { eq } from 'drizzle-orm';
import type {
  AttemptView,
  Blueprint,
  CandidateAnswer,
  ExamBody,
  ExamDetailView,
  ExamStandardBody,
  ExamStandardView,
  Paper,
  PaperMode,
  PaperQuestion,
  QuestionBody,
  QuestionDetailView,
  SaveAnswerAck,
} from '@seafarer/contracts';
import { markAttempt, passVerdict } from '@seafarer/core';
import {
  examAnswers,
  examAttempts,
  examCandidates,
  examStandards,
  examStandardVersions,
  examStills,
  exams,
  questions,
  questionVersions,
} from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import type { TestApp } from './app';
import { rosterCsv, trainees } from './roster';
import { addClassTo, chinaDate, signIn, type World } from './world';

/**
 * Shared by the exam tests (issue 12). `addExamFixture` is the standards helper's; the sitting,
 * marking and proctoring helpers add their own functions below (add, never rewrite).
 */

export const CH1 = '第一章 避碰规则';
export const CH2 = '第二章 船舶消防';

/** A bank covering every type in two chapters; more questions than the blueprint draws, so papers differ. */
export function fixtureQuestions(tag: string): QuestionBody[] {
  const single = (chapter: string, i: number): QuestionBody => ({
    type: 'single',
    stem: `${tag} 单选 ${chapter} 第 ${i} 题：能见度不良时应使用？`,
    options: [
      { key: 'A', text: `最高航速 ${i}` },
      { key: 'B', text: `安全航速 ${i}` },
      { key: 'C', text: `经济航速 ${i}` },
      { key: 'D', text: `港内航速 ${i}` },
    ],
    answer: { keys: ['B'] },
    chapter,
    difficulty: 2,
    score: 2,
  });
  const multiple = (i: number): QuestionBody => ({
    type: 'multiple',
    stem: `${tag} 多选 第 ${i} 题：下列哪些是号灯？`,
    options: [
      { key: 'A', text: `桅灯 ${i}` },
      { key: 'B', text: `舷灯 ${i}` },
      { key: 'C', text: `探照灯 ${i}` },
      { key: 'D', text: `尾灯 ${i}` },
    ],
    answer: { keys: ['A', 'B', 'D'] },
    chapter: CH1,
    difficulty: 3,
    score: 4,
  });
  const trueFalse = (i: number): QuestionBody => ({
    type: 'true_false',
    stem: `${tag} 判断 第 ${i} 题：让路船应及早采取行动。`,
    answer: { value: i % 2 === 1 },
    chapter: CH1,
    difficulty: 1,
    score: 2,
  });
  const fillIn = (i: number): QuestionBody => ({
    type: 'fill_in',
    stem: `${tag} 填空 第 ${i} 题：船舶抛锚又称____。`,
    answer: { accepted: ['锚泊'], synonyms: ['抛锚停泊', 'anchoring'] },
    chapter: CH2,
    difficulty: 2,
    score: 3,
  });
  const shortAnswer = (i: number): QuestionBody => ({
    type: 'short_answer',
    stem: `${tag} 简答 第 ${i} 题：简述机舱失火时的应急程序。`,
    answer: { reference: '报警、停止通风、关闭防火门、组织灭火' },
    chapter: CH2,
    difficulty: 3,
    score: 5,
  });
  return [
    ...[1, 2, 3, 4].map((i) => single(CH1, i)),
    ...[1, 2, 3].map(multiple),
    ...[1, 2, 3, 4].map(trueFalse),
    ...[1, 2, 3].map(fillIn),
    ...[1, 2].map(shortAnswer),
    ...[5, 6, 7].map((i) => single(CH2, i)),
  ];
}

/** 2 + 1 + 2 from chapter 1, 1 + 1 + 1 from chapter 2: every type; 22 points. */
export const FIXTURE_BLUEPRINT: Blueprint = {
  cells: [
    { chapter: CH1, type: 'single', difficulty: 2, count: 2, scorePerQuestion: 2 },
    { chapter: CH1, type: 'multiple', difficulty: 3, count: 1, scorePerQuestion: 4 },
    { chapter: CH1, type: 'true_false', difficulty: 1, count: 2, scorePerQuestion: 2 },
    { chapter: CH2, type: 'fill_in', difficulty: 2, count: 1, scorePerQuestion: 3 },
    { chapter: CH2, type: 'short_answer', difficulty: 3, count: 1, scorePerQuestion: 5 },
    { chapter: CH2, type: 'single', difficulty: 2, count: 1, scorePerQuestion: 2 },
  ],
};

export interface ExamFixtureOptions {
  paperMode?: PaperMode;
  durationMinutes?: number;
  /** 'first': the class's first confirmed session (invigilated in its live room); or a session id. */
  sessionId?: 'first' | string;
  /** The window (default: opened a minute ago, closes in 2 hours or duration + 30 min). */
  opensAt?: Date;
  closesAt?: Date;
  /** Trainees on the roster (the theory item's licensed scale is 3). */
  trainees?: number;
  /** Roster id numbers start here (distinct per fixture in one world). */
  rosterSeed?: number;
  passMark?: ExamStandardBody['passMark'];
  markingPolicy?: ExamStandardBody['markingPolicy'];
  blueprint?: Blueprint;
  proctoring?: ExamBody['proctoring'];
  title?: string;
}

export interface ExamCandidate {
  accountId: string;
  username: string;
  name: string;
  /** Signed in (password changed to NEW_PASSWORD). */
  client: Client;
}

export interface ExamFixture {
  itemId: string;
  classId: string;
  /** The class's confirmed sessions, in order. */
  sessionIds: string[];
  questions: QuestionDetailView[];
  standard: ExamStandardView;
  standardVersionId: string;
  examId: string;
  exam: ExamDetailView;
  candidates: ExamCandidate[];
  /** The class manager (set the exam) and the institution admin (approved the standard). */
  manager: Client;
  admin: Client;
}

let fixtureSeq = 0;

/**
 * JS-7.3: a confirmed class of `w` (a new one, on the theory item) with trainees on its roster and
 * signed in, the item's question bank covering every type in two chapters, a standard drafted by the
 * manager and approved by the admin, and an exam of the class open now (the API's clock) — all through
 * the HTTP routes. The bank is added once per world (a second fixture reuses it).
 */
export async function addExamFixture(
  t: TestApp,
  w: World,
  opts: ExamFixtureOptions = {},
): Promise<ExamFixture> {
  const seq = ++fixtureSeq;
  const itemId = w.theoryItemId;
  const bank = `/api/v1/training-items/${itemId}/questions`;
  const existing = await w.as.manager.call<{ items: QuestionDetailView[] }>('GET', bank, {
    query: { status: 'active' },
  });
  let questions = (existing.items as QuestionDetailView[]).filter((q) =>
    q.current.stem.startsWith(`F-${w.code} `),
  );
  if (questions.length === 0) {
    questions = [];
    for (const body of fixtureQuestions(`F-${w.code}`))
      questions.push(await w.as.manager.call<QuestionDetailView>('POST', bank, { body }));
  }

  const klass = await addClassTo(w, {
    code: `E${seq}-${w.code}`,
    name: `考试班 ${seq}`,
    firstDate: chinaDate(9),
  });
  const n = opts.trainees ?? 3;
  await w.as.manager.raw('POST', `/api/v1/classes/${klass.id}/roster/import`, {
    rawBody: rosterCsv(trainees(n, opts.rosterSeed ?? 600 + ((seq * 7) % 300))),
    headers: { 'content-type': 'text/csv' },
  });
  const slips = await w.as.manager.call<{
    issued: Array<{ username: string; name: string; oneTimePassword: string }>;
  }>('POST', `/api/v1/classes/${klass.id}/accounts/issue`);
  await w.as.manager.call('POST', `/api/v1/classes/${klass.id}/plan/file`);
  await w.as.officer.call('POST', `/api/v1/classes/${klass.id}/plan/review`, {
    body: { decision: 'confirm' },
  });
  const candidates: ExamCandidate[] = [];
  for (const s of slips.issued) {
    const client = await signIn(t.client, s.username, s.oneTimePassword);
    const me = await client.auth.me();
    candidates.push({ accountId: me.accountId, username: s.username, name: s.name, client });
  }

  const durationMinutes = opts.durationMinutes ?? 30;
  const created = await w.as.manager.call<ExamStandardView>(
    'POST',
    `/api/v1/training-items/${itemId}/exam-standards`,
    {
      body: {
        name: `结业考试标准 ${seq}`,
        blueprint: opts.blueprint ?? FIXTURE_BLUEPRINT,
        passMark: opts.passMark ?? { kind: 'percent', value: 60 },
        markingPolicy: opts.markingPolicy ?? { multiple: 'partial', fillIn: 'per_blank' },
        durationMinutes,
      },
    },
  );
  const standard = await w.as.admin.call<ExamStandardView>(
    'POST',
    `/api/v1/training-items/${itemId}/exam-standards/${created.id}/decision`,
    { body: { version: 1, decision: 'approve' } },
  );

  const now = t.app.core.clock.now();
  const opensAt = opts.opensAt ?? new Date(now.getTime() - 60_000);
  const closesAt =
    opts.closesAt ?? new Date(opensAt.getTime() + Math.max(120, durationMinutes + 30) * 60_000);
  const sessionIds = klass.current.sessions.map((s) => s.id);
  const sessionId = opts.sessionId === 'first' ? sessionIds[0] : opts.sessionId;
  const exam = await w.as.manager.call<ExamDetailView>('POST', `/api/v1/classes/${klass.id}/exams`, {
    body: {
      standardVersionId: standard.currentVersionId!,
      title: opts.title ?? `结业考试 ${seq} Final exam`,
      paperMode: opts.paperMode ?? 'per_candidate',
      opensAt: opensAt.toISOString(),
      closesAt: closesAt.toISOString(),
      ...(sessionId && { sessionId }),
      ...(opts.proctoring && { proctoring: opts.proctoring }),
    },
  });
  return {
    itemId,
    classId: klass.id,
    sessionIds,
    questions,
    standard,
    standardVersionId: standard.currentVersionId!,
    examId: exam.id,
    exam,
    candidates,
    manager: w.as.manager,
    admin: w.as.admin,
  };
}

// ---- Sitting (owner: sitting): start an attempt and answer it through HTTP ----

/** The right answer to a paper question in the keys the candidate was shown (short answer: some text). */
export function rightAnswer(q: PaperQuestion): CandidateAnswer {
  const shownOf = (orig: string) =>
    Object.entries(q.optionMap ?? {}).find(([, o]) => o === orig)?.[0] ?? orig;
  switch (q.type) {
    case 'single':
      return shownOf(q.answer.keys![0]!);
    case 'multiple':
      return q.answer.keys!.map(shownOf).sort();
    case 'true_false':
      return q.answer.value!;
    case 'fill_in':
      return q.answer.blanks ? q.answer.blanks.map((b) => b.accepted[0]!) : q.answer.accepted![0]!;
    default:
      return '报警，停止通风，关闭防火门，组织灭火。';
  }
}

/** A wrong answer of the question's shape (short answer: a short text). */
export function wrongAnswer(q: PaperQuestion): CandidateAnswer {
  const right = rightAnswer(q);
  const keys = (q.options ?? []).map((o) => o.key);
  switch (q.type) {
    case 'single':
      return keys.find((k) => k !== right)!;
    case 'multiple':
      return keys.filter((k) => !(right as string[]).includes(k)).slice(0, 1);
    case 'true_false':
      return !(right as boolean);
    case 'fill_in':
      return '不知道';
    default:
      return '不清楚';
  }
}

export interface SatAttempt {
  attempt: AttemptView;
  /** The stored paper (with answers and the option map), read from the database. */
  paper: Paper;
  acks: SaveAnswerAck[];
}

/**
 * JS-7.3: `candidate` starts (or resumes) the exam of `f` and answers through HTTP: `answer` picks each
 * answer from the stored paper question (default: right answers, short answer text; return undefined
 * to leave a question unanswered); `submit` submits at the end (default false).
 */
export async function sitAttempt(
  t: TestApp,
  f: Pick<ExamFixture, 'classId' | 'examId'>,
  candidate: Pick<ExamCandidate, 'client'>,
  opts: {
    answer?: (q: PaperQuestion) => CandidateAnswer | undefined;
    submit?: boolean;
    deviceId?: string;
  } = {},
): Promise<SatAttempt> {
  const c = candidate.client;
  const deviceId = opts.deviceId ?? 'test-device-1';
  const started = await c.examAttempts.start(f.classId, f.examId, { deviceId });
  const [row] = await t.app.core.db
    .select({ paper: examAttempts.paper })
    .from(examAttempts)
    .where(eq(examAttempts.id, started.id));
  const paper = row!.paper as Paper;
  const acks: SaveAnswerAck[] = [];
  const seqOf = new Map(started.answers.map((a) => [a.questionId, a.seq]));
  for (const q of paper.questions) {
    const answer = (opts.answer ?? rightAnswer)(q);
    if (answer === undefined) continue;
    const seq = (seqOf.get(q.questionId) ?? 0) + 1;
    acks.push(
      await c.examAttempts.saveAnswer(f.classId, f.examId, started.id, {
        questionId: q.questionId,
        answer,
        seq,
        deviceId,
      }),
    );
  }
  const attempt = opts.submit
    ? await c.examAttempts.submit(f.classId, f.examId, started.id)
    : await c.examAttempts.get(f.classId, f.examId, started.id);
  return { attempt, paper, acks };
}

// ---- Route sweeps (SEC-1 matrix, SEC-2 bad-input sweep) ----

export interface ExamSweepIds {
  standardId: string;
  examId: string;
  attemptId: string;
  /** A still of the attempt (the identity fixture's evidence image, as the live node would store one). */
  stillId: string;
}

/**
 * The ids the route sweeps need for :standardId, :examId and :attemptId, in the sweeps' class (the
 * identity fixture's, not confirmed, so the exam API would refuse to set one): an approved standard of
 * the class's item, an exam of that class open now with `traineeAccountId` as its candidate, and their
 * attempt submitted, marked and released, inserted as the use-cases store them (a paper of one true/false question). The
 * sweeps test the routes; the exam tests (exam-setup, exam-attempts, exam-marking) test the use-cases.
 */
export async function addExamSweepFixture(
  t: TestApp,
  w: World,
  f: { classId: string; traineeAccountId: string; entryId: string; stillId: string },
): Promise<ExamSweepIds> {
  const db = t.app.core.db;
  const now = t.app.core.clock.now();
  const managerId = (await w.as.manager.auth.me()).accountId;
  const adminId = (await w.as.admin.auth.me()).accountId;
  const [question] = await db
    .insert(questions)
    .values({ institutionId: w.institutionId, trainingItemId: w.theoryItemId, createdBy: w.instructorId })
    .returning();
  const [version] = await db
    .insert(questionVersions)
    .values({
      questionId: question!.id,
      version: 1,
      type: 'true_false',
      stem: '夹具判断题 Fixture true/false',
      answer: { value: true },
      chapter: CH1,
      difficulty: 1,
      score: 2,
      createdBy: w.instructorId,
    })
    .returning();
  await db.update(questions).set({ currentVersionId: version!.id }).where(eq(questions.id, question!.id));
  const blueprint: Blueprint = { cells: [{ chapter: CH1, type: 'true_false', difficulty: 1, count: 1 }] };
  const paper: Paper = {
    seed: 'sweep-fixture',
    totalScore: 2,
    questions: [
      {
        no: 1,
        questionId: question!.id,
        versionId: version!.id,
        type: 'true_false',
        chapter: CH1,
        difficulty: 1,
        score: 2,
        stem: '夹具判断题 Fixture true/false',
        answer: { value: true },
      },
    ],
  };
  const [standard] = await db
    .insert(examStandards)
    .values({
      institutionId: w.institutionId,
      trainingItemId: w.theoryItemId,
      name: '夹具考试标准 Fixture standard',
      createdBy: managerId,
    })
    .returning();
  const [sv] = await db
    .insert(examStandardVersions)
    .values({
      standardId: standard!.id,
      version: 1,
      status: 'approved',
      blueprint,
      passMark: { kind: 'percent', value: 60 },
      markingPolicy: { multiple: 'partial', fillIn: 'per_blank' },
      durationMinutes: 30,
      createdBy: managerId,
      decidedBy: adminId,
      decidedAt: now,
    })
    .returning();
  await db.update(examStandards).set({ currentVersionId: sv!.id }).where(eq(examStandards.id, standard!.id));
  const [exam] = await db
    .insert(exams)
    .values({
      institutionId: w.institutionId,
      classId: f.classId,
      standardVersionId: sv!.id,
      title: '夹具考试 Fixture exam',
      paperMode: 'fixed',
      seed: 'sweep-fixture',
      fixedPaper: paper,
      opensAt: new Date(now.getTime() - 60_000),
      closesAt: new Date(now.getTime() + 3 * 3600_000),
      durationMinutes: 30,
      createdBy: managerId,
    })
    .returning();
  await db
    .insert(examCandidates)
    .values({ examId: exam!.id, accountId: f.traineeAccountId, rosterEntryId: f.entryId });
  // Submitted, marked (by core's markAttempt, as the exam.mark job stores it) and released, so that
  // every read the sweeps make — the candidate's result included — has something to show.
  const marks = markAttempt(paper, { [question!.id]: true });
  const [attempt] = await db
    .insert(examAttempts)
    .values({
      examId: exam!.id,
      accountId: f.traineeAccountId,
      seed: 'sweep-fixture',
      paper,
      status: 'marked',
      startedAt: now,
      deadlineAt: new Date(now.getTime() + 30 * 60_000),
      submittedAt: now,
      submitReason: 'candidate',
      answersSha256: '0'.repeat(64),
      marks,
      score: marks.score,
      verdict: passVerdict(marks, { kind: 'percent', value: 60 }),
      markedAt: now,
    })
    .returning();
  await db.insert(examAnswers).values({
    attemptId: attempt!.id,
    questionId: question!.id,
    answer: true,
    seq: 1,
    deviceId: 'sweep-fixture',
    savedAt: now,
  });
  await db
    .update(exams)
    .set({ status: 'released', releasedAt: now, releasedBy: managerId })
    .where(eq(exams.id, exam!.id));
  const [still] = await db
    .insert(examStills)
    .values({ attemptId: attempt!.id, evidenceId: f.stillId, takenAt: now, verdict: 'ok', verdictAt: now })
    .returning();
  return { standardId: standard!.id, examId: exam!.id, attemptId: attempt!.id, stillId: still!.id };
}
