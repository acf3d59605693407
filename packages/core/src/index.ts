import type { Db } from '@seafarer/db';
import { createAuthService, type AuthSettings } from './auth/auth.service';
import { createInstitutionService } from './institution/institution.service';
import { createPeopleService } from './people/people.service';
import { createAuditService } from './audit/audit.service';
import { createClassService } from './classes/classes.service';
import { createClassGroupService } from './classes/class-group.service';
import { createQuestionBankService } from './exams/question-bank.service';
import { createExamStandardService } from './exams/standards.service';
import { createExamService } from './exams/exam.service';
import { createExamAttemptService } from './exams/attempt.service';
import { createExamMarkingService } from './exams/marking.service';
import { createProctoringService } from './exams/proctoring.service';
import { createQuizService } from './quizzes/quiz.service';
import { createEvaluationService } from './evaluation/evaluation.service';
import { createQualityService } from './evaluation/quality.service';
import { createRosterService } from './classes/roster.service';
import { createLiveAccessService } from './live/live-access.service';
import { createLiveLogService } from './live/live-log.service';
import { createRecordingService } from './live/recording.service';
import { createNotificationService } from './notify/notifications.service';
import { createJobOutbox, type JobsDep } from './shared/jobs';
import { createDiskEvidenceStore, type EvidenceStore } from './identity/evidence-store';
import { httpFaceMatch, manualReview, type FaceMatchProvider } from './identity/face-match';
import { createIdentityService } from './identity/identity.service';
import { systemClock, type Clock } from './shared/clock';
import { createPiiCipher } from './shared/pii';
import { createParsePool, type ParsePool } from './shared/parse-pool';
import { signingKeys } from './shared/signing-keys';
import { createRollCallService } from './attendance/rollcall.service';
import { createRollCallRecords } from './attendance/rollcall-records';
import { createSpotCheckService } from './attendance/spot-check.service';
import { createAttendanceService } from './attendance/attendance.service';
import { createOversightService } from './oversight/oversight.service';
import { createSupervisionService } from './supervision/supervision.service';

export * from './shared/errors';
export {
  createParsePool,
  DEFAULT_PARSE_POOL,
  type ParseOutcome,
  type ParsePool,
  type ParsePoolSettings,
} from './shared/parse-pool';
export * from './shared/clock';
export * from './shared/context';
export * from './shared/pii';
export * from './shared/pii-rekey';
export * from './shared/tx';
export * from './authz/scope';
export * from './audit/audit-chain';
export { appendAudit } from './audit/audit.repo';
export { verifyAuditChain } from './audit/verify-audit-chain';
export { checkPasswordStrength } from './auth/password-policy';
export { hashPassword } from './auth/passwords';
export { createAccessTokens, type AccessClaims } from './auth/tokens';
export * from './shared/signing-keys';
export * from './shared/log-redaction';
export * from './institution/online-eligibility';
export { qualificationAfter, SANCTION_RESULT } from './institution/qualification';
export { scoreOversight, threeYearWindow } from './oversight/scoring';
export * from './people/instructor-rules';
export * as filing from './filing';
export { buildRosterTemplate, computeCheckDigit, MAX_FILE_BYTES as MAX_UPLOAD_BYTES } from './roster';
export {
  createJobOutbox,
  relayOutboxBatch,
  type JobOutbox,
  type JobsDep,
  type PublishJob,
  type RelayBatchResult,
} from './shared/jobs';
export {
  createOutboundDelivery,
  webhookChannel,
  type OutboundChannel,
  type OutboundMessage,
  type OutboundDelivery,
} from './notify/outbound';
export { signBody, SIGNATURE_HEADER, verifySignature } from './shared/hmac';
export { createJoinGrants, type JoinGrantClaims, type LiveRole } from './live/join-grant';
export { summarizePresence } from './live/presence';
export * from './live/live-nodes';
export * from './live/device-check';
export { createRecordingService, type RecordingService, type ReplayGrant } from './live/recording.service';
export { replayContainerOf, type ReplayContainer } from './live/replay-container';
export { createLiveLogService, type LiveLogService, type PresenceRecord } from './live/live-log.service';
export * from './live/room-policy';
export * from './live/presence-journal';
export * from './attendance/rollcall-policy';
export {
  createRollCallRecords,
  ROLL_CALL_STILL_KIND,
  type OpenedRollCall,
  type RollCallRecords,
} from './attendance/rollcall-records';
export { createDiskEvidenceStore, sha256Of, type EvidenceStore } from './identity/evidence-store';
export { createRollCallService, type RollCallService } from './attendance/rollcall.service';
export {
  createSpotCheckService,
  type SpotCheckService,
  type SpotCheckStill,
} from './attendance/spot-check.service';
export * from './attendance/spot-check';
export { drawRollCallTimes, drawSample, seededUniform } from './attendance/rollcall-schedule';
export { answerText, checkQuestion, drawable, type CheckedQuestion } from './exams/question-bank';
export { type QuestionBankService } from './exams/question-bank.service';
export type { ExamStandardService } from './exams/standards.service';
export type { ExamService, CandidateExam } from './exams/exam.service';
export { examState, candidateState, examWindowText } from './exams/exam.service';
export { loadPool, bankCells } from './exams/standard-pool';
export type { ExamAttemptService } from './exams/attempt.service';
export type { ExamMarkingService } from './exams/marking.service';
export { createProctoringService, type ProctoringService } from './exams/proctoring.service';
export {
  createProctorRecords,
  EXAM_STILL_KIND,
  recordDevice,
  type ProctoredAttempt,
  type ProctorRecords,
} from './exams/proctor-records';
export * from './exams/proctor-rules';
export type { QuizService, PushedQuiz } from './quizzes/quiz.service';
export { createQuizService } from './quizzes/quiz.service';
export * from './quizzes/quiz-policy';
export type { EvaluationService } from './evaluation/evaluation.service';
export type { QualityService } from './evaluation/quality.service';
export {
  COLUMN_LABELS as QUESTION_COLUMN_LABELS,
  parseQuestionFile,
  validateQuestionRows,
  type QuestionRowError,
} from './exams/question-import';
export { createNotificationService, type NotificationService } from './notify/notifications.service';
export { httpFaceMatch, manualReview, type FaceMatchProvider } from './identity/face-match';
export type { AttendanceService } from './attendance/attendance.service';
export * as attendanceRule from './attendance/credited-hours';
export * from './exams/paper';
export * from './exams/marking';
export { candidatePaperSeed, createPrng, newPaperSeed, PAPER_SEED_RE, type Prng } from './exams/prng';
export type { OversightService } from './oversight/oversight.service';
export type { SupervisionService } from './supervision/supervision.service';
export type { ClassService } from './classes/classes.service';
export type { AuthService, AuthSettings } from './auth/auth.service';
export type { InstitutionService } from './institution/institution.service';
export type { PeopleService } from './people/people.service';

/** The settings createCore needs, by their names in @seafarer/config. */
export interface CoreSettings {
  JWT_SECRET: string;
  STORAGE_DIR: string;
  LIVE_PUBLIC_URL: string;
  FACE_MATCH_URL: string;
  FACE_MATCH_SECRET: string;
  PII_KEY: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_SECONDS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCK_MINUTES: number;
  /** The job queue's Redis prefix; the outbox rows are written for it. */
  QUEUE_PREFIX: string;
  /** SEC-2: the parse pool of uploaded files (defaults in shared/parse-pool when absent). */
  IMPORT_WORKERS?: number;
  IMPORT_QUEUE_LIMIT?: number;
  IMPORT_TIME_LIMIT_MS?: number;
  IMPORT_MEMORY_LIMIT_MB?: number;
}

/** createCore from the validated configuration (api, worker and CLIs all wire it this way). */
export function createCoreFromConfig(
  db: Db,
  config: CoreSettings,
  clock: Clock = systemClock,
  extra: Partial<Pick<CoreDeps, 'locateLiveNode' | 'jobs'>> = {},
) {
  return createCore({
    ...extra,
    db,
    clock,
    jobs: extra.jobs ?? createJobOutbox({ clock, queue: config.QUEUE_PREFIX }),
    parsePool: createParsePool({
      ...(config.IMPORT_WORKERS !== undefined && { workers: config.IMPORT_WORKERS }),
      ...(config.IMPORT_QUEUE_LIMIT !== undefined && { queueLimit: config.IMPORT_QUEUE_LIMIT }),
      ...(config.IMPORT_TIME_LIMIT_MS !== undefined && { timeoutMs: config.IMPORT_TIME_LIMIT_MS }),
      ...(config.IMPORT_MEMORY_LIMIT_MB !== undefined && { memoryMb: config.IMPORT_MEMORY_LIMIT_MB }),
    }),
    piiKey: config.PII_KEY,
    evidenceStore: createDiskEvidenceStore(config.STORAGE_DIR),
    liveUrl: config.LIVE_PUBLIC_URL,
    faceMatch: config.FACE_MATCH_URL
      ? httpFaceMatch(config.FACE_MATCH_URL, config.FACE_MATCH_SECRET)
      : manualReview,
    faceMatchSecret: config.FACE_MATCH_SECRET,
    auth: {
      jwtSecret: config.JWT_SECRET,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMinutes: config.LOGIN_LOCK_MINUTES,
    },
  });
}

export interface CoreDeps {
  db: Db;
  clock: Clock;
  /** REL-2: where use-cases write their jobs (the outbox table, relayed by the worker); a fake in tests. */
  jobs: JobsDep;
  evidenceStore: EvidenceStore;
  faceMatch: FaceMatchProvider;
  /** JS-7.3: the face-match provider's shared secret, which its signed callbacks are checked with. */
  faceMatchSecret?: string;
  /** Public URL of the live service's signaling, handed out with join grants. */
  liveUrl: string;
  /** Several live nodes: the room → node map's answer for a session (see live/live-nodes.ts). */
  locateLiveNode?: (sessionId: string) => Promise<string | null>;
  auth: AuthSettings;
  piiKey: string;
  /** SEC-2: worker threads that parse uploads (created with defaults when absent). */
  parsePool?: ParsePool;
}

/** The composition root of the domain: every service wired by hand, once. */
export function createCore(deps: CoreDeps) {
  const { db, clock, jobs } = deps;
  const pii = createPiiCipher(deps.piiKey);
  // SEC-3: access tokens, join grants and replay links each under their own key, derived here once.
  const keys = signingKeys(deps.auth.jwtSecret);
  const institutions = createInstitutionService({ db, clock });
  const notifications = createNotificationService({ db, clock, jobs });
  const parsePool = deps.parsePool ?? createParsePool();
  const attendance = createAttendanceService({ db, clock, notifications });
  const examStandards = createExamStandardService({ db, clock });
  const exams = createExamService({ db, clock, standards: examStandards });
  return {
    db,
    clock,
    pii,
    jobs,
    auth: createAuthService({ db, clock, settings: deps.auth, accessTokenKey: keys.accessToken }),
    institutions,
    people: createPeopleService({ db, clock, pii }),
    audit: createAuditService({ db }),
    notifications,
    classes: createClassService({ db, clock, jobs, institutions, notifications }),
    classGroup: createClassGroupService({ db, clock }),
    parsePool,
    roster: createRosterService({ db, clock, pii, notifications, parsePool, attendance }),
    questionBank: createQuestionBankService({ db, clock, parsePool }),
    live: createLiveAccessService({
      db,
      clock,
      secret: keys.joinGrant,
      liveUrl: deps.liveUrl,
      locateLiveNode: deps.locateLiveNode,
    }),
    liveLog: createLiveLogService({ db, clock }),
    recordings: createRecordingService({ db, clock, jobs, key: keys.replayUrl }),
    identity: createIdentityService({ db, clock, store: deps.evidenceStore, faceMatch: deps.faceMatch }),
    // Issue 11: roll-calls and spot checks, attendance, oversight, supervision.
    rollCalls: createRollCallService({ db, clock, jobs }),
    // JS-13.2: the records of roll-calls the live rooms wrote (the API reads them).
    rollCallRecords: createRollCallRecords({ db, clock, store: deps.evidenceStore }),
    spotChecks: createSpotCheckService({
      db,
      clock,
      store: deps.evidenceStore,
      faceMatch: deps.faceMatch,
      notifications,
    }),
    attendance,
    oversight: createOversightService({ db, clock, jobs, notifications, store: deps.evidenceStore }),
    supervision: createSupervisionService({ db, clock }),
    // Issue 12: exams (standards, exams, attempts, marking, proctoring), quizzes, evaluation, quality.
    examStandards,
    exams,
    examAttempts: createExamAttemptService({ db, clock, jobs, exams }),
    examMarking: createExamMarkingService({ db, clock }),
    proctoring: createProctoringService({
      db,
      clock,
      store: deps.evidenceStore,
      notifications,
      providerSecret: deps.faceMatchSecret ?? '',
    }),
    quizzes: createQuizService({ db, clock }),
    evaluations: createEvaluationService({ db, clock }),
    quality: createQualityService({ db, clock }),
  };
}
export type Core = ReturnType<typeof createCore>;
