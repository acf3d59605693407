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
  /** Sent as-is (for malformed-input tests); overrides `body`. */
  rawBody?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  token?: string | null;
}

/** Typed client over the HTTP API, shared by the web client and the tests. */
export function createClient(opts: { baseUrl: string; token?: string | null; fetch?: typeof fetch }) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');

  async function raw(method: string, path: string, o: RequestOptions = {}): Promise<RawResponse> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? opts.token : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    const res = await doFetch(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json'))
      parsed = text ? JSON.parse(text) : null;
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function call<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await raw(method, path, o);
    if (res.status >= 400) throw new ApiError(res.status, res.body as C.ErrorBody);
    return res.body as T;
  }

  const v1 = '/api/v1';
  return {
    baseUrl: base,
    token: opts.token ?? null,
    raw,
    call,
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
    },
    officers: {
      create: (body: S<typeof C.CreateOfficerBody>) =>
        call<S<typeof C.OfficerView>>('POST', `${v1}/officers`, { body }),
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
  };
}
export type Client = ReturnType<typeof createClient>;
