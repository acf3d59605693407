import type { Static, TSchema } from '@sinclair/typebox';
import type * as C from '@seafarer/contracts';

type S<T extends TSchema> = Static<T>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: C.ErrorBody,
  ) {
    super(`${status} ${body.code}: ${body.message.en}`);
    this.name = 'ApiError';
  }
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (malformed-input tests, file uploads); overrides `body`. */
  rawBody?: string | Blob | ArrayBuffer | Uint8Array;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  token?: string | null;
}

/** A downloaded file: its bytes and the name the server gave it (Content-Disposition), if any. */
export interface Download {
  blob: Blob;
  filename: string | null;
}

/** The file name of a Content-Disposition header (RFC 5987 `filename*` first). */
export function filenameOf(contentDisposition: string | null): string | null {
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(contentDisposition ?? '');
  const name = m?.[1] ?? m?.[2];
  return name ? decodeURIComponent(name) : null;
}

export interface ClientOptions {
  baseUrl: string;
  /** The bearer token, or a function read on every request (a browser page's token renews itself). */
  token?: string | null | (() => string | null);
  fetch?: typeof fetch;
}

/** Typed client over the HTTP API, shared by the web client and the tests. */
export function createClient(opts: ClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  const currentToken = () => (typeof opts.token === 'function' ? opts.token() : (opts.token ?? null));

  async function send(method: string, path: string, o: RequestOptions): Promise<Response> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? currentToken() : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: RequestOptions['rawBody'];
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    return doFetch(url, { method, headers, body: body as RequestInit['body'] });
  }

  /** A file answer (filing package, evidence image, template); an error answer throws ApiError. */
  async function blob(method: string, path: string, o: RequestOptions = {}): Promise<Download> {
    const res = await send(method, path, o);
    if (res.status >= 400) {
      const text = await res.text();
      throw new ApiError(res.status, parseError(res.status, text));
    }
    return { blob: await res.blob(), filename: filenameOf(res.headers.get('content-disposition')) };
  }

  async function raw(method: string, path: string, o: RequestOptions = {}): Promise<RawResponse> {
    const res = await send(method, path, o);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json'))
      parsed = text ? JSON.parse(text) : null;
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function call<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await raw(method, path, o);
    if (res.status >= 400) throw new ApiError(res.status, parseError(res.status, res.text));
    return res.body as T;
  }

  const v1 = '/api/v1';
  const json = <T>(method: string, path: string, body?: unknown) =>
    call<T>(method, path, body === undefined ? {} : { body });
  return {
    baseUrl: base,
    token: currentToken(),
    raw,
    call,
    blob,
    withToken: (token: string | null) => createClient({ ...opts, token }),
    auth: {
      login: (body: S<typeof C.LoginBody>) => call<C.TokenPair>('POST', `${v1}/auth/login`, { body }),
      refresh: (refreshToken: string) =>
        call<C.TokenPair>('POST', `${v1}/auth/refresh`, { body: { refreshToken } }),
      logout: () => call<C.Ok>('POST', `${v1}/auth/logout`),
      logoutAll: () => call<{ revokedSessions: number }>('POST', `${v1}/auth/logout-all`),
      changePassword: (body: S<typeof C.ChangePasswordBody>) =>
        call<C.Ok>('POST', `${v1}/auth/password`, { body }),
      me: () => call<C.ActorView>('GET', `${v1}/auth/me`),
    },
    jurisdictions: {
      create: (body: S<typeof C.CreateJurisdictionBody>) =>
        call<C.JurisdictionView>('POST', `${v1}/jurisdictions`, { body }),
      list: () => call<{ items: C.JurisdictionView[] }>('GET', `${v1}/jurisdictions`),
    },
    officers: {
      create: (body: S<typeof C.CreateOfficerBody>) =>
        call<S<typeof C.OfficerView>>('POST', `${v1}/officers`, { body }),
      list: () => call<{ items: S<typeof C.OfficerListItem>[] }>('GET', `${v1}/officers`),
    },
    institutions: {
      create: (body: C.CreateInstitutionBody) =>
        call<C.InstitutionView>('POST', `${v1}/institutions`, { body }),
      list: () => call<{ items: C.InstitutionView[] }>('GET', `${v1}/institutions`),
      get: (id: string) => call<C.InstitutionView>('GET', `${v1}/institutions/${id}`),
      setQualification: (id: string, body: S<typeof C.SetQualificationBody>) =>
        call<C.InstitutionView>('PUT', `${v1}/institutions/${id}/qualification`, { body }),
      createAdmin: (id: string, body: { username: string; displayName: string; initialPassword: string }) =>
        call<C.StaffView>('POST', `${v1}/institutions/${id}/admins`, { body }),
      createLicence: (id: string, body: S<typeof C.CreateLicenceBody>) =>
        call<C.LicenceView>('POST', `${v1}/institutions/${id}/licences`, { body }),
      createStaff: (id: string, body: C.CreateStaffBody) =>
        call<C.StaffView>('POST', `${v1}/institutions/${id}/staff`, { body }),
      createTrainee: (id: string, body: S<typeof C.CreateTraineeAccountBody>) =>
        call<S<typeof C.TraineeAccountView>>('POST', `${v1}/institutions/${id}/trainees`, { body }),
      auditEvents: (id: string, query: { action?: string; limit?: number } = {}) =>
        call<{ items: C.AuditEventView[] }>('GET', `${v1}/institutions/${id}/audit-events`, { query }),
    },
    licences: {
      update: (id: string, body: S<typeof C.UpdateLicenceBody>) =>
        call<C.LicenceView>('PATCH', `${v1}/licences/${id}`, { body }),
      createItem: (id: string, body: C.CreateTrainingItemBody) =>
        call<C.TrainingItemView>('POST', `${v1}/licences/${id}/training-items`, { body }),
    },
    items: {
      eligibility: (id: string, onDate?: string) =>
        call<C.OnlineEligibility>('GET', `${v1}/training-items/${id}/online-eligibility`, {
          query: { onDate },
        }),
      assignInstructor: (id: string, body: C.AssignInstructorBody) =>
        call<C.ItemInstructorView>('POST', `${v1}/training-items/${id}/instructors`, { body }),
      instructors: (id: string) =>
        call<{ items: C.ItemInstructorView[] }>('GET', `${v1}/training-items/${id}/instructors`),
    },
    staff: {
      setQualification: (id: string, body: S<typeof C.SetQualificationRecordBody>) =>
        call<C.StaffView>('PUT', `${v1}/staff/${id}/qualification`, { body }),
      unlock: (id: string) => call<C.Ok>('POST', `${v1}/staff/${id}/unlock`),
    },
    audit: { verify: () => call<C.AuditVerifyResult>('GET', `${v1}/audit/verify`) },
    /** The staff list and training items of an institution. */
    institution: {
      staff: (id: string) => call<{ items: C.StaffView[] }>('GET', `${v1}/institutions/${id}/staff`),
      trainingItems: (id: string) =>
        call<{ items: C.TrainingItemView[] }>('GET', `${v1}/institutions/${id}/training-items`),
      licences: (id: string) => call<{ items: C.LicenceView[] }>('GET', `${v1}/institutions/${id}/licences`),
      classes: (id: string) => call<{ items: ClassSummary[] }>('GET', `${v1}/institutions/${id}/classes`),
      createClass: (id: string, body: C.CreateClassBody) =>
        json<C.ClassView>('POST', `${v1}/institutions/${id}/classes`, body),
    },
    classes: {
      get: (id: string) => call<C.ClassView>('GET', `${v1}/classes/${id}`),
      /** A trainee's own classes (an instructor's: the classes whose plan names them). */
      mine: () => call<{ items: ClassSummary[] }>('GET', `${v1}/me/classes`),
      /** A trainee's own attendance in a class, minutes per session against the plan. */
      myAttendance: (id: string) => call<C.TraineeAttendanceView>('GET', `${v1}/me/classes/${id}/attendance`),
      savePlan: (id: string, body: C.PlanBody) => json<C.ClassView>('PUT', `${v1}/classes/${id}/plan`, body),
      filePlan: (id: string) => json<C.ClassView>('POST', `${v1}/classes/${id}/plan/file`),
      review: (id: string, body: S<typeof C.ReviewBody>) =>
        json<C.ClassView>('POST', `${v1}/classes/${id}/plan/review`, body),
      versions: (id: string) => call<{ items: C.PlanVersionView[] }>('GET', `${v1}/classes/${id}/versions`),
      diff: (id: string, version: number) =>
        call<S<typeof C.PlanDiffView>>('GET', `${v1}/classes/${id}/versions/${version}/diff`),
      roster: (id: string) => call<{ items: C.RosterEntryView[] }>('GET', `${v1}/classes/${id}/roster`),
      importRoster: (id: string, file: Blob, contentType: string) =>
        call<S<typeof C.RosterImportResult>>('POST', `${v1}/classes/${id}/roster/import`, {
          rawBody: file,
          headers: { 'content-type': contentType },
        }),
      fileRoster: (id: string) => json<C.FileRosterResult>('POST', `${v1}/classes/${id}/roster/file`),
      issueAccounts: (id: string) =>
        json<C.IssueAccountsResult>('POST', `${v1}/classes/${id}/accounts/issue`),
      filingPackage: (id: string, format: 'xlsx' | 'json') =>
        blob('GET', `${v1}/classes/${id}/filing-package`, { query: { format } }),
      messages: (id: string) =>
        call<{ items: S<typeof C.MessageView>[] }>('GET', `${v1}/classes/${id}/messages`),
      postMessage: (id: string, body: string) =>
        json<S<typeof C.MessageView>>('POST', `${v1}/classes/${id}/messages`, { body }),
      verifications: (id: string) =>
        call<{ items: C.VerificationView[] }>('GET', `${v1}/classes/${id}/verifications`),
      interactions: (id: string, sessionId: string) =>
        call<{ items: C.InteractionView[] }>('GET', `${v1}/classes/${id}/sessions/${sessionId}/interactions`),
      replayUrl: (id: string, sessionId: string) =>
        json<{ url: string; durationS?: number | null; sha256?: string | null }>(
          'POST',
          `${v1}/classes/${id}/sessions/${sessionId}/replay-url`,
        ),
    },
    rosterEntries: {
      uploadIdPhoto: (entryId: string, file: Blob, contentType: 'image/jpeg' | 'image/png') =>
        call<unknown>('PUT', `${v1}/roster-entries/${entryId}/id-photo`, {
          rawBody: file,
          headers: { 'content-type': contentType },
        }),
    },
    verifications: {
      decide: (id: string, body: { status: 'verified' | 'rejected'; note: string }) =>
        json<C.VerificationView>('POST', `${v1}/verifications/${id}/decision`, body),
    },
    evidence: { get: (id: string) => blob('GET', `${v1}/evidence/${id}`) },
    rosterTemplate: () => blob('GET', `${v1}/roster-template.xlsx`),
    /** QM-2: the question bank of a training item. */
    questions: {
      list: (itemId: string, query: S<typeof C.QuestionListQuery> = {}) =>
        call<C.QuestionListView>('GET', `${v1}/training-items/${itemId}/questions`, { query }),
      get: (itemId: string, id: string) =>
        call<C.QuestionDetailView>('GET', `${v1}/training-items/${itemId}/questions/${id}`),
      create: (itemId: string, body: C.QuestionBody) =>
        json<C.QuestionDetailView>('POST', `${v1}/training-items/${itemId}/questions`, body),
      edit: (itemId: string, id: string, body: C.QuestionBody) =>
        json<C.QuestionDetailView>('PUT', `${v1}/training-items/${itemId}/questions/${id}`, body),
      setRetired: (itemId: string, id: string, retired: boolean) =>
        json<C.QuestionDetailView>('POST', `${v1}/training-items/${itemId}/questions/${id}/retire`, {
          retired,
        }),
      template: (itemId: string) => blob('GET', `${v1}/training-items/${itemId}/questions/template.xlsx`),
      exportFile: (itemId: string) => blob('GET', `${v1}/training-items/${itemId}/questions/export.xlsx`),
      importFile: (itemId: string, file: Blob | Uint8Array) =>
        call<C.QuestionImportResult>('POST', `${v1}/training-items/${itemId}/questions/import`, {
          rawBody: file,
          headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        }),
    },
    // Issue 12: each namespace is filled by its owner (standards, sitting, marking, proctor, quiz, evaluation).
    /** JS-7.3 / QM-2: exam standards of a training item, exams of a class, a trainee's exams. */
    examSetup: {
      standards: (itemId: string) =>
        call<C.ExamStandardListView>('GET', `${v1}/training-items/${itemId}/exam-standards`),
      standard: (itemId: string, standardId: string) =>
        call<C.ExamStandardView>('GET', `${v1}/training-items/${itemId}/exam-standards/${standardId}`),
      createStandard: (itemId: string, body: C.ExamStandardBody) =>
        json<C.ExamStandardView>('POST', `${v1}/training-items/${itemId}/exam-standards`, body),
      checkBlueprint: (itemId: string, blueprint: C.Blueprint) =>
        json<C.BlueprintCheckView>('POST', `${v1}/training-items/${itemId}/exam-standards/check`, {
          blueprint,
        }),
      draftVersion: (itemId: string, standardId: string, body: C.ExamStandardVersionBody) =>
        json<C.ExamStandardView>(
          'POST',
          `${v1}/training-items/${itemId}/exam-standards/${standardId}/versions`,
          body,
        ),
      decide: (itemId: string, standardId: string, body: C.ExamStandardDecisionBody) =>
        json<C.ExamStandardView>(
          'POST',
          `${v1}/training-items/${itemId}/exam-standards/${standardId}/decision`,
          body,
        ),
      exams: (classId: string) => call<C.ExamListView>('GET', `${v1}/classes/${classId}/exams`),
      exam: (classId: string, examId: string) =>
        call<C.ExamDetailView>('GET', `${v1}/classes/${classId}/exams/${examId}`),
      createExam: (classId: string, body: C.ExamBody) =>
        json<C.ExamDetailView>('POST', `${v1}/classes/${classId}/exams`, body),
      paper: (classId: string, examId: string, accountId?: string) =>
        call<C.ExamPaperView>('GET', `${v1}/classes/${classId}/exams/${examId}/paper`, {
          query: accountId ? { accountId } : {},
        }),
      extraTime: (classId: string, examId: string, body: C.ExtraTimeBody) =>
        json<C.ExamDetailView>('POST', `${v1}/classes/${classId}/exams/${examId}/extra-time`, body),
      retake: (classId: string, examId: string, body: C.RetakeBody) =>
        json<C.ExamDetailView>('POST', `${v1}/classes/${classId}/exams/${examId}/retake`, body),
      mine: () => call<C.MyExamListView>('GET', `${v1}/me/exams`),
    },
    examAttempts: {
      /** Starts the candidate's attempt or resumes it (the paper without answers, saved answers, deadline). */
      start: (classId: string, examId: string, body: C.StartAttemptBody = {}) =>
        call<C.AttemptView>('POST', `${v1}/classes/${classId}/exams/${examId}/attempts`, { body }),
      get: (classId: string, examId: string, attemptId: string) =>
        call<C.AttemptView>('GET', `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}`),
      /** Resolves once the answer is stored (REL-2); retry with the same seq until it does. */
      saveAnswer: (classId: string, examId: string, attemptId: string, body: C.SaveAnswerBody) =>
        json<C.SaveAnswerAck>(
          'POST',
          `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/answers`,
          body,
        ),
      submit: (classId: string, examId: string, attemptId: string) =>
        call<C.AttemptView>('POST', `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/submit`),
    },
    /** JS-7.3: marking of short answers, release, results, exports, statistics, the candidate's result. */
    examResults: {
      results: (classId: string, examId: string) =>
        call<C.ExamResultsView>('GET', `${v1}/classes/${classId}/exams/${examId}/results`),
      resultsXlsx: (classId: string, examId: string) =>
        blob('GET', `${v1}/classes/${classId}/exams/${examId}/results.xlsx`),
      resultsCsv: (classId: string, examId: string) =>
        blob('GET', `${v1}/classes/${classId}/exams/${examId}/results.csv`),
      answersXlsx: (classId: string, examId: string) =>
        blob('GET', `${v1}/classes/${classId}/exams/${examId}/answers.xlsx`),
      statistics: (classId: string, examId: string) =>
        call<C.ExamStatisticsView>('GET', `${v1}/classes/${classId}/exams/${examId}/statistics`),
      marking: (classId: string, examId: string) =>
        call<C.MarkingQueueView>('GET', `${v1}/classes/${classId}/exams/${examId}/marking`),
      manualMark: (classId: string, examId: string, attemptId: string, body: C.ManualMarkBody) =>
        json<C.ManualMarkResult>(
          'POST',
          `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/manual-marks`,
          body,
        ),
      release: (classId: string, examId: string) =>
        call<C.ReleaseResultView>('POST', `${v1}/classes/${classId}/exams/${examId}/release`),
      /** The candidate's result (after the release; staff of the class once marked). */
      result: (classId: string, examId: string, attemptId: string) =>
        call<C.AttemptResultView>(
          'GET',
          `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/result`,
        ),
    },
    /** JS-7.3 / QM-4: proctoring: the candidate's page events, the review of flagged attempts, stills. */
    proctoring: {
      /** The candidate's own attempt: one page event (tab hidden, blur, full-screen exit, paste). */
      flag: (classId: string, examId: string, attemptId: string, body: C.ClientFlagBody) =>
        json<C.ClientFlagResult>(
          'POST',
          `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/flags`,
          body,
        ),
      list: (classId: string, examId: string) =>
        call<C.ProctoringListView>('GET', `${v1}/classes/${classId}/exams/${examId}/proctoring`),
      review: (classId: string, examId: string, attemptId: string, body: C.ProctoringReviewBody) =>
        json<C.ProctoredAttemptView>(
          'POST',
          `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/review`,
          body,
        ),
      still: (classId: string, examId: string, attemptId: string, stillId: string) =>
        blob('GET', `${v1}/classes/${classId}/exams/${examId}/attempts/${attemptId}/stills/${stillId}`),
    },
    /** JS-7.1 / JS-14: a class's in-class quizzes with results, and the daily grades (平时成绩). */
    quizzes: {
      list: (classId: string) => call<C.QuizListView>('GET', `${v1}/classes/${classId}/quizzes`),
      dailyGrades: (classId: string) =>
        call<C.DailyGradesView>('GET', `${v1}/classes/${classId}/daily-grades`),
      /** A trainee's own daily grades. */
      myDailyGrades: (classId: string) =>
        call<C.DailyGradesView>('GET', `${v1}/me/classes/${classId}/daily-grades`),
    },
    /** JS-7.1 / JS-14 / QM-3: course evaluation, the sponsor survey and the quality objectives. */
    evaluations: {
      mine: () => call<C.MyEvaluationsView>('GET', `${v1}/me/evaluations`),
      form: (classId: string) => call<C.EvaluationFormView>('GET', `${v1}/me/classes/${classId}/evaluation`),
      answer: (classId: string, body: C.TraineeAnswerBody) =>
        json<C.EvaluationAnswerResult>('POST', `${v1}/me/classes/${classId}/evaluation`, body),
      results: (classId: string) =>
        call<C.ClassEvaluationView>('GET', `${v1}/classes/${classId}/evaluations`),
      open: (classId: string, body: C.OpenSurveyBody = {}) =>
        json<C.ClassEvaluationView>('POST', `${v1}/classes/${classId}/evaluations`, body),
      close: (classId: string, surveyId: string) =>
        call<C.ClassEvaluationView>('POST', `${v1}/classes/${classId}/evaluations/${surveyId}/close`),
      invite: (classId: string, body: C.SponsorInvitationBody) =>
        json<C.SponsorInvitationCreated>('POST', `${v1}/classes/${classId}/sponsor-invitations`, body),
      ofInstitution: (institutionId: string, query: C.QualityPeriodQuery = {}) =>
        call<C.InstitutionEvaluationView>('GET', `${v1}/institutions/${institutionId}/evaluations`, {
          query,
        }),
      sponsorForm: (token: string) =>
        call<C.EvaluationFormView>('GET', `${v1}/sponsor-evaluation`, { query: { token } }),
      sponsorAnswer: (body: C.SponsorAnswerBody) =>
        json<C.EvaluationAnswerResult>('POST', `${v1}/sponsor-evaluation`, body),
      quality: (institutionId: string, query: C.QualityPeriodQuery = {}) =>
        call<C.QualityView>('GET', `${v1}/institutions/${institutionId}/quality`, { query }),
      officerQuality: (query: C.QualityPeriodQuery = {}) =>
        call<C.OfficerQualityView>('GET', `${v1}/officer/quality`, { query }),
    },
    notifications: {
      list: (limit = 50) =>
        call<{ items: C.NotificationView[] }>('GET', `${v1}/notifications`, { query: { limit } }),
      read: (ids: string[]) => json<unknown>('POST', `${v1}/notifications/read`, { ids }),
    },
  };
}
export type Client = ReturnType<typeof createClient>;

/** A class in a list (GET /institutions/:id/classes, /me/classes). */
export type ClassSummary = S<typeof C.ClassSummary>;

/** The error body of an answer, or one made up for an answer that carries none (a proxy's 502 page). */
function parseError(status: number, text: string): C.ErrorBody {
  try {
    const body = JSON.parse(text) as C.ErrorBody;
    if (body && typeof body.code === 'string' && body.message) return body;
  } catch {
    // not JSON
  }
  return {
    code: `HTTP_${status}`,
    message: { zh: `请求失败（${status}）`, en: `Request failed (${status})` },
    requestId: '',
  };
}
