import {
  pgTable,
  uuid,
  text,
  timestamp,
  integer,
  doublePrecision,
  jsonb,
  index,
  uniqueIndex,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { classSessions, classes, evidenceFiles, rosterEntries } from './classes';
import { institutions, trainingItems } from './institution';
import { accounts } from './people';

/**
 * QM-2: the question bank of a training item. A question is a stable identity with a status and a
 * pointer to its current version; its content lives in immutable `question_versions` rows. An edit
 * adds a version and moves `current_version_id`; the old version stays as it was, so a paper that drew
 * it (issue 12 §3: papers store the version id they drew) still shows what the candidate saw.
 * A retired question (status 'retired') is never drawn into a new paper or quiz.
 */
export const questions = pgTable(
  'questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    trainingItemId: uuid('training_item_id')
      .notNull()
      .references(() => trainingItems.id),
    /** active | retired */
    status: text('status').notNull().default('active'),
    /** The version drawn from now on; set in the transaction that inserts version 1. */
    currentVersionId: uuid('current_version_id'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('questions_item_idx').on(t.trainingItemId, t.status),
    index('questions_institution_idx').on(t.institutionId),
  ],
);

/** One immutable version of a question (never updated; an edit inserts the next number). */
export const questionVersions = pgTable(
  'question_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    questionId: uuid('question_id')
      .notNull()
      .references(() => questions.id),
    version: integer('version').notNull(),
    /** single | multiple | true_false | fill_in | short_answer */
    type: text('type').notNull(),
    stem: text('stem').notNull(),
    /** Choice types: [{ key: 'A', text }]; [] for the others. */
    options: jsonb('options').notNull().default([]),
    /**
     * single/multiple: { keys: ['A', …] }; true_false: { value: boolean }; fill_in: { accepted: [...],
     * synonyms: [...] } (one blank); short_answer: { reference: text } (marked by hand). See
     * QuestionAnswer in @seafarer/contracts.
     */
    answer: jsonb('answer').notNull(),
    chapter: text('chapter').notNull(),
    knowledgePoint: text('knowledge_point').notNull().default(''),
    /** 1 (easiest) … 5 (hardest). */
    difficulty: integer('difficulty').notNull(),
    score: doublePrecision('score').notNull(),
    explanation: text('explanation').notNull().default(''),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('question_versions_uq').on(t.questionId, t.version)],
);

/**
 * JS-7.3 / QM-2 / seed 004 4.4: an exam standard (考试标准) of a training item: a stable identity whose
 * content (blueprint, pass mark, marking policy, duration) lives in immutable versions. A version is
 * drafted, then approved by the institution's admin (not its author); only an approved version is used
 * by an exam, and the exam keeps the version it was set with.
 */
export const examStandards = pgTable(
  'exam_standards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    trainingItemId: uuid('training_item_id')
      .notNull()
      .references(() => trainingItems.id),
    name: text('name').notNull(),
    /** The newest approved version (null until one is approved). */
    currentVersionId: uuid('current_version_id'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('exam_standards_item_idx').on(t.trainingItemId)],
);

/** One version of an exam standard: draft → approved (→ superseded by a newer approved one). */
export const examStandardVersions = pgTable(
  'exam_standard_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    standardId: uuid('standard_id')
      .notNull()
      .references(() => examStandards.id),
    version: integer('version').notNull(),
    /** draft | approved | superseded | rejected */
    status: text('status').notNull().default('draft'),
    /** Blueprint (contracts exams.ts): the cells chapter × type × difficulty. */
    blueprint: jsonb('blueprint').notNull(),
    /** PassMark: { kind: 'points' | 'percent', value }. */
    passMark: jsonb('pass_mark').notNull(),
    /** MarkingPolicy: { multiple, fillIn }. */
    markingPolicy: jsonb('marking_policy').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    note: text('note').notNull().default(''),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    decidedBy: uuid('decided_by').references(() => accounts.id),
    decidedAt: timestamp('decided_at', { withTimezone: true, precision: 3 }),
    decisionNote: text('decision_note'),
  },
  (t) => [uniqueIndex('exam_standard_versions_uq').on(t.standardId, t.version)],
);

/**
 * JS-7.3: an exam of a class, set from an approved standard version. `paperMode` 'fixed' stores one
 * paper for all in `fixedPaper`; 'per_candidate' draws each attempt's paper from `seed` (candidatePaperSeed).
 * `kind` 'retake' (补考) is a second sitting for those who failed or missed the first (`retakeOf`).
 * `sessionId`: the live session the exam is invigilated in (the candidates' cameras, the officer sits in).
 */
export const exams = pgTable(
  'exams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    standardVersionId: uuid('standard_version_id')
      .notNull()
      .references(() => examStandardVersions.id),
    title: text('title').notNull(),
    /** exam | retake */
    kind: text('kind').notNull().default('exam'),
    retakeOf: uuid('retake_of'),
    /** fixed | per_candidate */
    paperMode: text('paper_mode').notNull(),
    seed: text('seed').notNull(),
    fixedPaper: jsonb('fixed_paper'),
    sessionId: uuid('session_id').references(() => classSessions.id),
    opensAt: timestamp('opens_at', { withTimezone: true, precision: 3 }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true, precision: 3 }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    /** Proctoring: { camera: boolean, stillsPerAttempt: number } */
    proctoring: jsonb('proctoring').notNull().default({}),
    /** scheduled | closed | released | cancelled */
    status: text('status').notNull().default('scheduled'),
    releasedAt: timestamp('released_at', { withTimezone: true, precision: 3 }),
    releasedBy: uuid('released_by').references(() => accounts.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('exams_class_idx').on(t.classId), index('exams_session_idx').on(t.sessionId)],
);

/** Who may sit an exam (from the class roster), with their extra time (e.g. a granted accommodation). */
export const examCandidates = pgTable(
  'exam_candidates',
  {
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    rosterEntryId: uuid('roster_entry_id').references(() => rosterEntries.id),
    extraMinutes: integer('extra_minutes').notNull().default(0),
    extraReason: text('extra_reason'),
    addedAt: timestamp('added_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.examId, t.accountId] })],
);

/**
 * One sitting of one candidate. The paper (with answers and the option mapping) is stored at start;
 * `deadlineAt` is the server's (start + duration + extra, never past the exam's close). Submitted once
 * (`submittedAt` set in one conditional update; `answersSha256` hashes the answers then, audited).
 * Marked by the worker (`marks`: AttemptMarks; `score`, `verdict`).
 */
export const examAttempts = pgTable(
  'exam_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    attemptNo: integer('attempt_no').notNull().default(1),
    seed: text('seed').notNull(),
    paper: jsonb('paper').notNull(),
    /** in_progress | submitted | marked */
    status: text('status').notNull().default('in_progress'),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true, precision: 3 }).notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, precision: 3 }),
    /** candidate | time_up | invigilator */
    submitReason: text('submit_reason'),
    answersSha256: text('answers_sha256'),
    marks: jsonb('marks'),
    score: doublePrecision('score'),
    /** pass | fail | pending */
    verdict: text('verdict'),
    markedAt: timestamp('marked_at', { withTimezone: true, precision: 3 }),
    /** Proctoring review: none | flagged | cleared | violation */
    reviewState: text('review_state').notNull().default('none'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('exam_attempts_uq').on(t.examId, t.accountId, t.attemptNo),
    index('exam_attempts_deadline_idx').on(t.status, t.deadlineAt),
  ],
);

/**
 * REL-2: the candidate's answer to one question, saved as given and acknowledged once stored. One row
 * per question (upsert); `seq` is the client's counter so a late retry never overwrites a newer answer.
 * Not on the audit chain one by one (the submission is audited with the hash of all of them).
 */
export const examAnswers = pgTable(
  'exam_answers',
  {
    attemptId: uuid('attempt_id')
      .notNull()
      .references(() => examAttempts.id),
    questionId: uuid('question_id').notNull(),
    answer: jsonb('answer'),
    seq: integer('seq').notNull(),
    deviceId: text('device_id'),
    savedAt: timestamp('saved_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.questionId] })],
);

/** A short answer marked by hand (score, note, marker). */
export const examManualMarks = pgTable(
  'exam_manual_marks',
  {
    attemptId: uuid('attempt_id')
      .notNull()
      .references(() => examAttempts.id),
    questionId: uuid('question_id').notNull(),
    score: doublePrecision('score').notNull(),
    note: text('note').notNull().default(''),
    markedBy: uuid('marked_by')
      .notNull()
      .references(() => accounts.id),
    markedAt: timestamp('marked_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.questionId] })],
);

/**
 * Proctoring: a time-stamped flag on an attempt. `source` client (tab_hidden, window_blur,
 * fullscreen_exit, paste, second_device), server (camera_off, still_failed) or provider (no_face,
 * multiple_faces, identity_mismatch). A still the server grabbed is linked by `stillId`.
 */
export const examFlags = pgTable(
  'exam_flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    attemptId: uuid('attempt_id')
      .notNull()
      .references(() => examAttempts.id),
    kind: text('kind').notNull(),
    source: text('source').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    detail: jsonb('detail').notNull().default({}),
    stillId: uuid('still_id'),
  },
  (t) => [index('exam_flags_attempt_idx').on(t.attemptId, t.at)],
);

/**
 * Proctoring: a still the live node grabbed from the candidate's camera at a random time, and the
 * provider's verdict on it (pending until the manual reviewer or the HMAC provider's callback answers).
 */
export const examStills = pgTable(
  'exam_stills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    attemptId: uuid('attempt_id')
      .notNull()
      .references(() => examAttempts.id),
    evidenceId: uuid('evidence_id').references(() => evidenceFiles.id),
    takenAt: timestamp('taken_at', { withTimezone: true, precision: 3 }).notNull(),
    note: text('note'),
    /** pending | ok | no_face | multiple_faces | identity_mismatch | unavailable */
    verdict: text('verdict').notNull().default('pending'),
    provider: text('provider'),
    providerRef: text('provider_ref'),
    verdictAt: timestamp('verdict_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('exam_stills_attempt_idx').on(t.attemptId)],
);

/** A reviewer's decision on a flagged attempt; a violation opens a QM-4 exam_violation oversight item. */
export const examReviews = pgTable('exam_reviews', {
  attemptId: uuid('attempt_id')
    .primaryKey()
    .references(() => examAttempts.id),
  /** cleared | violation */
  decision: text('decision').notNull(),
  note: text('note').notNull(),
  reviewedBy: uuid('reviewed_by')
    .notNull()
    .references(() => accounts.id),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true, precision: 3 }).notNull(),
  oversightItemId: uuid('oversight_item_id'),
});

/**
 * JS-7.1 / JS-14: an in-class quiz (随堂测试) pushed into a live session, from the bank or typed on the
 * spot. `questions` are PaperQuestion[] (answers included; never sent to a trainee before the close).
 */
export const quizzes = pgTable(
  'quizzes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => classSessions.id),
    /** bank | typed */
    origin: text('origin').notNull(),
    title: text('title').notNull().default(''),
    questions: jsonb('questions').notNull(),
    totalScore: doublePrecision('total_score').notNull(),
    timeLimitS: integer('time_limit_s').notNull(),
    /** open | closed */
    status: text('status').notNull().default('open'),
    pushedBy: uuid('pushed_by')
      .notNull()
      .references(() => accounts.id),
    pushedAt: timestamp('pushed_at', { withTimezone: true, precision: 3 }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true, precision: 3 }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true, precision: 3 }),
    resultsSha256: text('results_sha256'),
  },
  (t) => [index('quizzes_session_idx').on(t.sessionId, t.pushedAt), index('quizzes_class_idx').on(t.classId)],
);

/** One trainee's answers to a quiz and its score (the daily grade, JS-14). */
export const quizAnswers = pgTable(
  'quiz_answers',
  {
    quizId: uuid('quiz_id')
      .notNull()
      .references(() => quizzes.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    answers: jsonb('answers').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true, precision: 3 }).notNull(),
    score: doublePrecision('score'),
    max: doublePrecision('max'),
    marks: jsonb('marks'),
  },
  (t) => [primaryKey({ columns: [t.quizId, t.accountId] })],
);

/**
 * JS-7.1 / JS-14: a course evaluation survey of a class (after it ends): `kind` trainee (per course and
 * per instructor, anonymous to the instructor) or sponsor (送培单位, answered through an invitation link).
 */
export const evaluationSurveys = pgTable(
  'evaluation_surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    /** trainee | sponsor */
    kind: text('kind').notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true, precision: 3 }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true, precision: 3 }).notNull(),
    /** open | closed */
    status: text('status').notNull().default('open'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('evaluation_surveys_uq').on(t.classId, t.kind)],
);

/**
 * Anonymous answers: no account id. `ratings` { questionKey: 1..5 }, per instructor in `instructorId`
 * (null = the course as a whole). Who has answered is kept apart (evaluation_participation), so a
 * response cannot be joined to its author.
 */
export const evaluationResponses = pgTable(
  'evaluation_responses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => evaluationSurveys.id),
    instructorId: uuid('instructor_id').references(() => accounts.id),
    ratings: jsonb('ratings').notNull(),
    comment: text('comment').notNull().default(''),
    /** Coarse (the day) so the order of answers does not tell who answered. */
    submittedOn: text('submitted_on').notNull(),
  },
  (t) => [index('evaluation_responses_survey_idx').on(t.surveyId)],
);

/** Who answered a survey (once each): a trainee account, or a sponsor's invitation. */
export const evaluationParticipation = pgTable(
  'evaluation_participation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => evaluationSurveys.id),
    accountId: uuid('account_id').references(() => accounts.id),
    /** Sponsor survey: the invitation (its token stored as SHA-256), the company's name. */
    sponsorName: text('sponsor_name'),
    tokenSha256: text('token_sha256'),
    answeredAt: timestamp('answered_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('evaluation_participation_account_uq').on(t.surveyId, t.accountId),
    uniqueIndex('evaluation_participation_token_uq').on(t.tokenSha256),
  ],
);
