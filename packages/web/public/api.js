// Shared by every page: the API client (token in sessionStorage), error display and tiny DOM helpers.
// Plain ES module, no build step. Every API error is { code, message: { zh, en }, requestId, details? }.

export const API = '/api/v1';

export const getToken = () => sessionStorage.getItem('accessToken');

/** Stores a TokenPair from /auth/login or /auth/refresh. */
export function saveTokens(pair) {
  sessionStorage.setItem('accessToken', pair.accessToken);
  if (pair.refreshToken) sessionStorage.setItem('refreshToken', pair.refreshToken);
}

export function clearTokens() {
  sessionStorage.removeItem('accessToken');
  sessionStorage.removeItem('refreshToken');
}

/** An Error carrying the API's error body (or a synthesized one for network failures). */
export class ApiError extends Error {
  constructor(status, data) {
    super(data?.message?.zh ?? `HTTP ${status}`);
    this.status = status;
    this.data = data ?? {
      code: 'HTTP_' + status,
      message: { zh: `请求失败 (${status})`, en: `Request failed (${status})` },
    };
    this.code = this.data.code;
  }
}

let refreshing = null;
/** Access tokens live 15 minutes: trade the refresh token for a new pair once, shared by concurrent calls. */
async function refresh() {
  const rt = sessionStorage.getItem('refreshToken');
  if (!rt) return false;
  refreshing ??= fetch(API + '/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: rt }),
  })
    .then(async (res) => {
      if (!res.ok) return false;
      saveTokens(await res.json());
      return true;
    })
    .catch(() => false)
    .finally(() => setTimeout(() => (refreshing = null), 0));
  return refreshing;
}

/** Called when the session cannot be recovered; pages set it to send the user back to sign-in. */
export let onSignedOut = () => {
  clearTokens();
  location.href = './index.html';
};
export const setOnSignedOut = (fn) => (onSignedOut = fn);

const AUTH_CODES = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'SESSION_ENDED', 'UNAUTHENTICATED']);

/**
 * Low-level request. opts: { body, json (object → JSON body), contentType, expect: 'json'|'blob', noAuthRetry }.
 * Resolves to the parsed JSON, a { blob, filename } for 'blob', or null for an empty answer.
 */
export async function request(method, path, opts = {}) {
  const headers = {};
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) headers['content-type'] = opts.contentType;
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(API + path, { method, headers, body, cache: 'no-store' });
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: { zh: '无法连接服务器，请检查网络', en: 'Cannot reach the server; check the network' },
    });
  }
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    if (res.status === 401 && !opts.noAuthRetry && AUTH_CODES.has(data?.code) && token) {
      if (data.code === 'TOKEN_EXPIRED' && (await refresh()))
        return request(method, path, { ...opts, noAuthRetry: true });
      onSignedOut();
    }
    throw new ApiError(res.status, data);
  }
  if (opts.expect === 'blob') {
    const cd = res.headers.get('content-disposition') ?? '';
    const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
    const filename = m ? decodeURIComponent(m[1] ?? m[2]) : null;
    return { blob: await res.blob(), filename };
  }
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** JSON API call: call('GET', '/auth/me'), call('POST', '/classes/x/plan/file'), call('PUT', p, body). */
export const call = (method, path, body) => request(method, path, body === undefined ? {} : { json: body });

/** "中文 · English" text of an error (API or otherwise). */
export function errorText(err) {
  const m = err?.data?.message;
  if (m) return `${m.zh} · ${m.en}`;
  return String(err?.message ?? err);
}

/**
 * An element describing an error: the message, any per-row problems (timetable: details.problems with a
 * 0-based index), validation details, and the request id (what support asks for).
 */
export function errorBox(err) {
  const box = h('div', { class: 'error', role: 'alert' }, h('strong', {}, errorText(err)));
  const d = err?.data?.details;
  const items = [];
  if (Array.isArray(d?.problems)) {
    for (const p of d.problems) {
      const where = Number.isInteger(p.index) ? `第 ${p.index + 1} 行 Row ${p.index + 1}: ` : '';
      items.push(`${where}${p.zh ?? ''} · ${p.en ?? ''}`);
    }
  } else if (Array.isArray(d)) {
    for (const v of d)
      if (v && typeof v === 'object') items.push(`${v.path ?? ''} ${v.message ?? JSON.stringify(v)}`);
  } else if (d?.field) items.push(`字段 Field: ${d.field}`);
  else if (d?.displayName) items.push(`${d.displayName}（${d.teachingYears ?? '?'} 年 years）`);
  if (items.length)
    box.append(
      h(
        'ul',
        {},
        items.map((t) => h('li', {}, t)),
      ),
    );
  if (err?.data?.requestId)
    box.append(h('div', { class: 'req-id' }, `请求编号 Request id: ${err.data.requestId}`));
  return box;
}

/** Puts an error (or clears it when err is null) into a container element. */
export function showError(container, err) {
  if (!container) return;
  container.replaceChildren(...(err ? [errorBox(err)] : []));
  container.hidden = !err;
}

// ---------- DOM helpers ----------

/** h('div', { class: 'x', onclick: fn, hidden: true }, child, 'text', [more]) → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'value') value = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  if (value !== undefined) el.value = value; // after the children, so a <select> has its options
  return el;
}
function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** A button that disables itself while its async action runs, showing errors in errEl. */
export function actionButton(label, action, { errEl, cls } = {}) {
  const b = h('button', { type: 'button', class: cls });
  b.textContent = label;
  b.addEventListener('click', async () => {
    b.disabled = true;
    if (errEl) showError(errEl, null);
    try {
      await action(b);
    } catch (err) {
      if (errEl) showError(errEl, err);
      else alert(errorText(err));
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

/** Saves a blob as a file (object URL + a[download]). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename || 'download' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Downloads an authenticated API file. */
export async function download(path, fallbackName) {
  const { blob, filename } = await request('GET', path, { expect: 'blob' });
  saveBlob(blob, filename ?? fallbackName);
}

// ---------- formatting ----------

export const ROLE_NAMES = {
  platform_admin: '平台管理员 Platform admin',
  institution_admin: '机构管理员 Institution admin',
  class_manager: '班主任 Class manager',
  instructor: '教员 Instructor',
  trainee: '学员 Trainee',
  maritime_officer: '海事检查员 Maritime officer',
};

export const FILING_STATES = {
  draft: ['草稿', 'Draft'],
  pending_review: ['待确认', 'Pending review'],
  confirmed: ['已确认', 'Confirmed'],
  rejected: ['已退回', 'Rejected'],
};
export const VERSION_STATUSES = {
  draft: ['草稿', 'Draft'],
  filed: ['已报备', 'Filed'],
  confirmed: ['已确认', 'Confirmed'],
  rejected: ['已退回', 'Rejected'],
  superseded: ['已取代', 'Superseded'],
};
export const IDENTITY_STATUSES = {
  pending: ['待核验', 'Pending'],
  verified: ['已核验', 'Verified'],
  rejected: ['未通过', 'Rejected'],
};

export const ID_TYPES = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳通行证',
  taiwan_permit: '台湾通行证',
  foreign_permanent_residence: '外国人永居证',
};
export const EDUCATION = {
  primary: '小学',
  junior_secondary: '初中',
  senior_secondary: '高中',
  vocational: '中专/职高',
  associate: '大专',
  bachelor: '本科',
  master: '硕士',
  doctorate: '博士',
};

/** A coloured state label: badge('pending_review', FILING_STATES). */
export function badge(state, table = FILING_STATES) {
  const [zh, en] = table[state] ?? [state ?? '—', ''];
  return h('span', { class: `badge st-${state ?? 'none'}` }, `${zh} ${en}`.trim());
}

const dtFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
/** An ISO instant in China time, 'YYYY/MM/DD HH:MM'. */
export const fmtDateTime = (iso) => (iso ? dtFmt.format(new Date(iso)) : '—');

/** Today's date in China time, 'YYYY-MM-DD'. */
export const chinaToday = () => chinaDateOf(new Date().toISOString());

/** The China-time date 'YYYY-MM-DD' of an ISO instant. */
export const chinaDateOf = (iso) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(iso));

/** Calendar arithmetic on 'YYYY-MM-DD'. */
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
export function daysBetween(a, b) {
  const t = (s) => Date.UTC(...s.split('-').map((x, i) => Number(x) - (i === 1 ? 1 : 0)));
  return Math.round((t(b) - t(a)) / 86_400_000);
}

/** Minutes between two 'HH:MM' (negative or NaN when invalid). */
export function minutesOf(start, end) {
  const p = (s) => (/^\d\d:\d\d$/.test(s ?? '') ? Number(s.slice(0, 2)) * 60 + Number(s.slice(3)) : NaN);
  return p(end) - p(start);
}

export const fmtHours = (h) => (Math.round(h * 100) / 100).toString();

/** Loads the signed-in account, sending the user to sign-in when there is no usable session. */
export async function requireSignIn(allowedRoles) {
  if (!getToken()) {
    onSignedOut();
    return null;
  }
  const me = await call('GET', '/auth/me');
  if (me.mustChangePassword) {
    location.href = './index.html';
    return null;
  }
  if (allowedRoles && !me.roles.some((r) => allowedRoles.includes(r))) return { ...me, notAllowed: true };
  return me;
}

export async function signOut() {
  await call('POST', '/auth/logout').catch(() => {});
  clearTokens();
  location.href = './index.html';
}
