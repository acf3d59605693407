// Pieces shared by the manager, officer and home pages: header and notifications, plan and diff
// rendering, version list, identity verifications with the evidence viewer, tabs and the roster table.
import type {
  ClassSummary,
  ClassView,
  NotificationView,
  PlanVersionView,
  RosterEntryView,
  StaffView,
  VerificationView,
} from '@seafarer/contracts';
import type { PlanDiff } from '@seafarer/core/filing';
import { api, signOut, type Me } from './api';
import { errSlot, h, type Child } from './dom';
import { errorText, inputError, showError } from './errors';
import {
  EDUCATION,
  ID_TYPES,
  IDENTITY_STATUSES,
  VERSION_STATUSES,
  badge,
  daysBetween,
  fmtDateTime,
  fmtHours,
  fmtMinutesAsHours,
  label,
  labelZh,
} from './format';

export type Names = Map<string, string>;

// ---------- header ----------

/** Fills the page header: who is signed in, the notification bell, home and sign-out (secondary). */
export function initHeader(
  me: Me,
  { onNotificationClick }: { onNotificationClick?: (n: NotificationView) => void } = {},
): void {
  const right = document.getElementById('header-right');
  if (!right) return;
  right.replaceChildren(
    h('span', { class: 'who' }, me.displayName),
    notificationBell(onNotificationClick),
    h('a', { href: './index.html', class: 'hdr-link' }, '首页 Home'),
    h('button', { type: 'button', class: 'secondary small', onclick: () => void signOut() }, '退出 Sign out'),
  );
}

/** A bell drawn as SVG (no emoji font needed). */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z',
  );
  svg.append(path);
  return svg;
}

/** One notification as a list item. */
export function notificationItem(n: NotificationView, onClick?: () => void): HTMLLIElement {
  return h(
    'li',
    { class: n.readAt ? 'read' : 'unread', onclick: onClick },
    h('div', { class: 'n-title' }, `${n.title.zh} · ${n.title.en}`),
    h('div', { class: 'n-body' }, `${n.body.zh} · ${n.body.en}`),
    h('div', { class: 'n-time' }, fmtDateTime(n.createdAt)),
  );
}

function notificationBell(onClick?: (n: NotificationView) => void): HTMLElement {
  const count = h('span', { class: 'count', hidden: true });
  const btn = h(
    'button',
    { type: 'button', class: 'bell', 'aria-haspopup': 'true', title: '通知 Notifications' },
    bellIcon(),
    h('span', { class: 'sr-only' }, '通知 Notifications'),
    count,
  );
  const panel = h('div', { class: 'notif-panel', hidden: true });
  const wrap = h('div', { class: 'bell-wrap' }, btn, panel);
  let items: NotificationView[] = [];

  async function load(): Promise<void> {
    try {
      items = (await api.notifications.list(50)).items;
    } catch {
      return; // the bell is not worth an error banner
    }
    const unread = items.filter((n) => !n.readAt).length;
    count.textContent = unread > 99 ? '99+' : String(unread);
    count.hidden = unread === 0;
    btn.title = `通知 Notifications（未读 ${unread} unread）`;
    if (!panel.hidden) render();
  }
  function render(): void {
    const unreadIds = items.filter((n) => !n.readAt).map((n) => n.id);
    const err = h('div', { hidden: true });
    panel.replaceChildren(
      h(
        'div',
        { class: 'notif-head' },
        h('strong', {}, '通知 Notifications'),
        unreadIds.length
          ? h(
              'button',
              {
                type: 'button',
                class: 'small',
                onclick: async () => {
                  try {
                    await api.notifications.read(unreadIds.slice(0, 200));
                    await load();
                    render();
                  } catch (e) {
                    showError(err, e);
                  }
                },
              },
              '全部标为已读 Mark all read',
            )
          : null,
      ),
      err,
      items.length === 0
        ? h('p', { class: 'muted' }, '暂无通知 No notifications')
        : h(
            'ul',
            {},
            items.map((n) =>
              notificationItem(n, () => {
                void (async () => {
                  if (!n.readAt) await api.notifications.read([n.id]).catch(() => undefined);
                  panel.hidden = true;
                  await load();
                  onClick?.(n);
                })();
              }),
            ),
          ),
    );
  }
  btn.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) render();
  });
  document.addEventListener('click', (e) => {
    if (!wrap.contains(e.target as Node)) panel.hidden = true;
  });
  void load();
  setInterval(() => void load(), 30_000);
  return wrap;
}

/** The class a notification is about, if it names one. */
export const classOfNotification = (n: NotificationView): string | null => {
  const d = n.data as { classId?: unknown } | null;
  return d && typeof d.classId === 'string' ? d.classId : null;
};

// ---------- object URLs of evidence images ----------

const objectUrls = new Set<string>();
/** Frees the images of the previous view (call on navigation). */
export function revokeObjectUrls(): void {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls.clear();
}

// ---------- plan ----------

/** Name of an account from a Map(accountId → displayName), or a short id. */
export const nameOf = (names: Names | undefined, id: string | null | undefined): string =>
  (id ? names?.get(id) : undefined) ?? (id ? `${id.slice(0, 8)}…` : '—');

/** The staff of an institution (empty when not allowed). */
export async function loadStaff(institutionId: string): Promise<StaffView[]> {
  try {
    return (await api.institution.staff(institutionId)).items;
  } catch {
    return [];
  }
}

export const dl = (pairs: Array<[string, Child] | null | false | undefined>): HTMLDListElement =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter((p): p is [string, Child] => !!p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );

/** The class header: code, name, item, state, key dates (the filing deadline as the API states it). */
export function classFacts(cls: ClassView): HTMLDListElement {
  const v = cls.current;
  return dl([
    ['班级 Class', `${cls.code} · ${cls.name}`],
    cls.institutionNameZh ? ['培训机构 Institution', cls.institutionNameZh] : null,
    ['培训项目 Training item', `${cls.trainingItemCode} ${cls.trainingItemNameZh}`],
    [
      '备案状态 Filing state',
      h(
        'span',
        {},
        badge(cls.filingState),
        cls.canRun ? h('span', { class: 'badge st-confirmed' }, '可开课 May run') : null,
      ),
    ],
    ['当前版本 Current version', `v${v.version} (${label(VERSION_STATUSES, v.status)})`],
    ['已确认版本 Confirmed version', cls.confirmedVersion ? `v${cls.confirmedVersion}` : '—'],
    ['规模 Scale', String(v.scale)],
    ['总学时 Total hours', fmtHours(v.totalHours)],
    ['首次课次 First session', v.firstSessionDate],
    ['最迟报备日期 Last filing date', cls.filingDeadline.lastFilingDate],
    ['报备时间 Filed at', fmtDateTime(v.filedAt)],
    ['审核时间 Reviewed at', fmtDateTime(v.reviewedAt)],
    v.reviewReason ? ['退回理由 Reason', h('span', { class: 'reason' }, v.reviewReason)] : null,
    [
      '名册人数 Roster',
      `${cls.rosterCount}${cls.rosterFiledAt ? ` · 已报备 filed ${fmtDateTime(cls.rosterFiledAt)}` : ''}`,
    ],
  ]);
}

/** The hours of a version against the syllabus, as the API counted them (JS-10). */
export function hoursLine(v: PlanVersionView): HTMLParagraphElement {
  const hrs = v.hours;
  const ok = hrs.shortfallMinutes === 0;
  return h(
    'p',
    { class: 'total' },
    `已排 Scheduled ${fmtMinutesAsHours(hrs.scheduledMinutes)} 学时 h / 大纲 Syllabus ${fmtMinutesAsHours(hrs.syllabusMinutes)} 学时 h `,
    h(
      'span',
      { class: `badge ${ok ? 'st-confirmed' : 'st-rejected'}` },
      ok ? '✓ 满足 Covered' : `✗ 还差 Short by ${fmtMinutesAsHours(hrs.shortfallMinutes)} h`,
    ),
  );
}

/** One plan version: sessions, managers, instructors (with overrides) and the content note. */
export function renderPlanVersion(v: PlanVersionView, names: Names): HTMLDivElement {
  const overrides = new Map((v.instructorOverrides ?? []).map((o) => [o.accountId, o.reason]));
  return h(
    'div',
    { class: 'plan' },
    h(
      'h4',
      {},
      `课表 Timetable（${v.sessions.length} 个课次 sessions，${fmtHours(v.totalHours)} 学时 hours）`,
    ),
    sessionTable(v.sessions, names),
    h('h4', {}, '班主任 Class managers'),
    h(
      'ul',
      {},
      v.managers.map((m) => h('li', {}, h('strong', {}, nameOf(names, m.accountId)), `：${m.duties}`)),
    ),
    h('h4', {}, '教员 Instructors'),
    h(
      'ul',
      {},
      v.instructors.map((id) =>
        h(
          'li',
          {},
          nameOf(names, id),
          overrides.has(id)
            ? h('div', { class: 'warn small' }, `教龄不足 3 年特批 Override (<3 years): ${overrides.get(id)}`)
            : null,
        ),
      ),
    ),
    v.contentNote
      ? [h('h4', {}, '教学内容说明 Content note'), h('p', { class: 'pre' }, v.contentNote)]
      : null,
  );
}

type Session = PlanVersionView['sessions'][number];

/**
 * The timetable; `extra(s)` adds a last cell per session (the way into the room). With `extra`, a phone
 * shows one card per session (app.css, `table.cards`) so that the last cell is never scrolled away.
 */
export function sessionTable(
  sessions: readonly Session[],
  names: Names,
  extra?: { title: string; cell: (s: Session) => Child },
): HTMLDivElement {
  // Without names (a trainee may not list the staff) the instructor column would say nothing: left out.
  const withInstructor = names.size > 0;
  const titles = [
    '#',
    '日期 Date',
    '时间 Time',
    '内容 Topic',
    ...(withInstructor ? ['教员 Instructor'] : []),
    ...(extra ? [extra.title] : []),
  ];
  const td = (i: number, attrs: Record<string, unknown>, ...children: Child[]) =>
    h('td', { ...attrs, 'data-label': titles[i] }, ...children);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: extra ? 'cards' : '' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          titles.map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        sessions.map((s, i) =>
          h(
            'tr',
            { dataset: { session: s.id } },
            td(0, {}, String(s.seq ?? i + 1)),
            td(1, { class: 'nowrap' }, s.date),
            td(2, { class: 'nowrap' }, `${s.start}–${s.end}`),
            td(3, {}, s.topic),
            withInstructor ? td(4, {}, nameOf(names, s.instructorAccountId)) : null,
            extra ? td(titles.length - 1, {}, extra.cell(s)) : null,
          ),
        ),
      ),
    ),
  );
}

// ---------- versions & diff ----------

/** Version table; clicking a row calls onSelect(version). */
export function renderVersions(
  versions: PlanVersionView[],
  { onSelect, selected }: { onSelect?: (v: PlanVersionView) => void; selected?: number } = {},
): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: onSelect ? 'clickable' : '' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            '版本 Version',
            '状态 Status',
            '首次课次 First session',
            '学时 Hours',
            '报备 Filed',
            '审核 Reviewed',
            '理由 Reason',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        [...versions]
          .sort((a, b) => b.version - a.version)
          .map((v) =>
            h(
              'tr',
              {
                class: v.version === selected ? 'selected' : '',
                onclick: onSelect ? () => onSelect(v) : undefined,
                tabindex: onSelect ? '0' : undefined,
                onkeydown: onSelect ? (e: KeyboardEvent) => e.key === 'Enter' && onSelect(v) : undefined,
              },
              h('td', {}, `v${v.version}`),
              h('td', {}, badge(v.status, VERSION_STATUSES)),
              h('td', { class: 'nowrap' }, v.firstSessionDate),
              h('td', {}, fmtHours(v.totalHours)),
              h('td', { class: 'nowrap' }, fmtDateTime(v.filedAt)),
              h('td', { class: 'nowrap' }, fmtDateTime(v.reviewedAt)),
              h('td', {}, v.reviewReason ?? ''),
            ),
          ),
      ),
    ),
  );
}

const FIELD_NAMES: Record<string, string> = {
  scale: '规模 Scale',
  trainingItemId: '培训项目 Training item',
  contentNote: '教学内容说明 Content note',
  end: '结束 End',
  topic: '内容 Topic',
  instructorAccountId: '教员 Instructor',
  start: '开始 Start',
};

interface DiffView {
  fromVersion: number | null;
  toVersion: number;
  diff: unknown;
}

/** The diff of a version against the previous one, readable: added green, removed red, changes from → to. */
export function renderDiff(view: DiffView, names: Names): HTMLDivElement {
  const d = view.diff as PlanDiff | null;
  const box = h('div', { class: 'diff' });
  const title =
    view.fromVersion === null
      ? `v${view.toVersion}：首次报备，无上一版本 First filing, no previous version`
      : `v${view.fromVersion} → v${view.toVersion}`;
  box.append(h('h4', {}, title));
  if (!d) return box;
  box.append(
    h(
      'p',
      { class: 'summary' },
      d.summary?.zh ?? '',
      h('br'),
      h('span', { class: 'muted' }, d.summary?.en ?? ''),
    ),
  );
  if (view.fromVersion === null || d.unchanged) return box;

  const val = (field: string, x: unknown): string => {
    if (x === null || x === undefined || x === '') return '（空 none）';
    return field === 'instructorAccountId' ? nameOf(names, String(x)) : String(x);
  };
  const change = (c: { field: string; from: unknown; to: unknown }) =>
    h('span', {}, h('del', {}, val(c.field, c.from)), ' → ', h('ins', {}, val(c.field, c.to)));

  if (d.fields?.length)
    box.append(
      h('h5', {}, '计划字段 Plan fields'),
      h(
        'ul',
        {},
        d.fields.map((f) => h('li', { class: 'chg' }, `${FIELD_NAMES[f.field] ?? f.field}：`, change(f))),
      ),
    );
  const people = (group: { added: string[]; removed: string[] } | undefined, title: string) => {
    if (!group || group.added.length + group.removed.length === 0) return;
    box.append(
      h('h5', {}, title),
      h(
        'ul',
        {},
        group.added.map((id) => h('li', { class: 'add' }, '＋ ', nameOf(names, id))),
        group.removed.map((id) => h('li', { class: 'rm' }, '－ ', nameOf(names, id))),
      ),
    );
  };
  people(d.instructors, '教员 Instructors');
  people(d.managers, '班主任 Class managers');

  const s = d.sessions ?? { added: [], removed: [], changed: [] };
  const rows: HTMLTableRowElement[] = [];
  const sessionRow = (cls: string, sign: string, x: PlanDiff['sessions']['added'][number]) =>
    h(
      'tr',
      { class: cls },
      h('td', {}, sign),
      h('td', { class: 'nowrap' }, x.date),
      h('td', { class: 'nowrap' }, `${x.start}–${x.end}`),
      h('td', {}, x.topic),
      h('td', {}, nameOf(names, x.instructorAccountId)),
    );
  for (const x of s.added) rows.push(sessionRow('add', '＋ 新增 Added', x));
  for (const x of s.removed) rows.push(sessionRow('rm', '－ 删除 Removed', x));
  for (const c of s.changed)
    rows.push(
      h(
        'tr',
        { class: 'chg' },
        h('td', {}, '～ 修改 Changed'),
        h('td', { class: 'nowrap' }, c.date),
        h('td', { class: 'nowrap' }, c.start),
        h(
          'td',
          { colspan: '2' },
          c.changes.map((f) => h('div', {}, `${FIELD_NAMES[f.field] ?? f.field}：`, change(f))),
        ),
      ),
    );
  if (rows.length)
    box.append(
      h('h5', {}, '课次 Sessions'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['变更 Change', '日期 Date', '时间 Time', '内容 Topic', '教员 Instructor'].map((t) =>
                h('th', {}, t),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
      ),
    );
  return box;
}

/** Loads and renders the diff of one version against its predecessor into container. */
export async function showDiff(
  container: HTMLElement,
  classId: string,
  version: number,
  names: Names,
): Promise<void> {
  container.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  try {
    container.replaceChildren(renderDiff(await api.classes.diff(classId, version), names));
  } catch (err) {
    showError(container, err);
  }
}

/**
 * A class's version list; picking a version shows its changes from the previous one and, folded, its
 * full plan. `preselect` (a version number) opens that one at once. Returns the elements to place; they
 * fill in when the versions arrive, unless `stale()` says the page moved on.
 */
export function versionBrowser(
  classId: string,
  names: Names,
  { stale = () => false, preselect }: { stale?: () => boolean; preselect?: number } = {},
): [HTMLElement, HTMLElement] {
  const box = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const detail = h('div', {});
  void (async () => {
    try {
      const versions = (await api.classes.versions(classId)).items;
      if (stale()) return;
      const select = (pv: PlanVersionView): void => {
        box.replaceChildren(renderVersions(versions, { onSelect: select, selected: pv.version }));
        const diffBox = h('div', {});
        detail.replaceChildren(
          diffBox,
          h(
            'details',
            {},
            h('summary', {}, `v${pv.version} 完整计划 Full plan`),
            renderPlanVersion(pv, names),
          ),
        );
        void showDiff(diffBox, classId, pv.version, names);
      };
      const first =
        preselect === undefined ? undefined : (versions.find((x) => x.version === preselect) ?? versions[0]);
      if (first) select(first);
      else box.replaceChildren(renderVersions(versions, { onSelect: select }));
    } catch (e) {
      showError(box, e);
    }
  })();
  return [box, detail];
}

// ---------- identity verifications ----------

/** An evidence image, fetched with the token only when asked for (every view is audited). */
export function evidenceFigure(evidenceId: string | null, caption: string): HTMLElement {
  const fig = h('figure', { class: 'evidence' });
  const cap = h('figcaption', {}, caption);
  if (!evidenceId) {
    fig.append(h('div', { class: 'ph' }, '未上传 None'), cap);
    return fig;
  }
  const holder = h('div', { class: 'ph' }, '加载中… Loading…');
  fig.append(holder, cap);
  api.evidence
    .get(evidenceId)
    .then(({ blob }) => {
      const url = URL.createObjectURL(blob);
      objectUrls.add(url);
      holder.replaceChildren(h('img', { src: url, alt: caption }));
      holder.classList.remove('ph');
    })
    .catch((err: unknown) => {
      holder.textContent = errorText(err);
      holder.classList.add('error');
    });
  return fig;
}

/**
 * The identity verifications of a class. With canDecide, pending ones get approve / reject with a note.
 * Photos load on demand ("查看将被记录 Views are logged").
 */
export async function renderVerifications(
  container: HTMLElement,
  classId: string,
  { canDecide = false }: { canDecide?: boolean } = {},
): Promise<void> {
  container.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let items: VerificationView[];
  try {
    items = (await api.classes.verifications(classId)).items;
  } catch (err) {
    showError(container, err);
    container.hidden = false;
    return;
  }
  const note = h(
    'p',
    { class: 'hint' },
    '查看照片将被记录 Views are logged：每次查看证件照或抓拍均写入审计日志 Every view of an ID photo or still is audited.',
  );
  if (items.length === 0) {
    container.replaceChildren(
      note,
      h('p', { class: 'muted' }, '暂无身份核验记录 No identity verifications yet'),
    );
    return;
  }
  const order: Record<string, number> = { pending: 0, rejected: 1, verified: 2 };
  items.sort(
    (a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || b.createdAt.localeCompare(a.createdAt),
  );
  container.replaceChildren(
    note,
    ...items.map((v) =>
      verificationCard(v, canDecide, () => renderVerifications(container, classId, { canDecide })),
    ),
  );
}

const fmtScore = (x: number): string => (x <= 1 ? `${Math.round(x * 100)}%` : String(x));

function verificationCard(
  v: VerificationView,
  canDecide: boolean,
  refresh: () => Promise<void>,
): HTMLElement {
  const photos = h('div', { class: 'photos' });
  const viewBtn = h('button', { type: 'button', class: 'secondary' }, '查看照片 View photos');
  viewBtn.addEventListener('click', () => {
    if (viewBtn.parentElement) viewBtn.parentElement.hidden = true;
    photos.replaceChildren(
      evidenceFigure(v.idPhotoEvidenceId, '登记证件照 Registered ID photo'),
      evidenceFigure(v.stillEvidenceId, '核验抓拍 Verification still'),
    );
  });
  const score = v.preScore === null || v.preScore === undefined ? '—' : fmtScore(v.preScore);
  const card = h(
    'article',
    { class: 'card verif' },
    h(
      'div',
      { class: 'card-head' },
      h('strong', {}, v.traineeName),
      h('span', { class: 'muted' }, v.idNumberMasked),
      badge(v.status, IDENTITY_STATUSES),
    ),
    dl([
      ['机器预评分 Pre-score', score],
      v.providerNote ? ['服务商说明 Provider note', v.providerNote] : null,
      ['提交时间 Submitted', fmtDateTime(v.createdAt)],
      v.note ? ['审核意见 Review note', v.note] : null,
      v.reviewedAt ? ['审核时间 Reviewed', fmtDateTime(v.reviewedAt)] : null,
    ]),
    h('div', { class: 'actions' }, viewBtn, h('span', { class: 'hint' }, '查看将被记录 Views are logged')),
    photos,
  );
  if (canDecide && v.status === 'pending') {
    const err = h('div', { hidden: true });
    const noteInput = h('textarea', {
      rows: '2',
      maxlength: '2000',
      placeholder: '审核意见（必填）Note (required)',
    });
    const decide = async (status: 'verified' | 'rejected', btn: HTMLButtonElement) => {
      showError(err, null);
      if (!noteInput.value.trim()) {
        showError(err, inputError('请填写审核意见', 'Enter a note'));
        noteInput.focus();
        return;
      }
      btn.disabled = true;
      try {
        await api.verifications.decide(v.id, { status, note: noteInput.value.trim() });
        await refresh();
      } catch (e) {
        showError(err, e);
        btn.disabled = false;
      }
    };
    const ok = h('button', { type: 'button', class: 'ok' }, '通过 Approve');
    const no = h('button', { type: 'button', class: 'danger' }, '不通过 Reject');
    ok.addEventListener('click', () => void decide('verified', ok));
    no.addEventListener('click', () => void decide('rejected', no));
    card.append(h('label', {}, '审核意见 Note', noteInput), h('div', { class: 'actions' }, ok, no), err);
  }
  return card;
}

// ---------- tabs ----------

export interface TabDef {
  id: string;
  label: string;
  render: (panel: HTMLElement) => unknown;
}

/** Simple tab bar; returns { el, select(id) }. */
export function tabs(defs: TabDef[], { onChange }: { onChange?: (id: string) => void } = {}) {
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const panels = h('div', {});
  const state = new Map<string, { btn: HTMLButtonElement; panel: HTMLElement }>();
  function select(id: string): void {
    for (const d of defs) {
      const s = state.get(d.id);
      if (!s) continue;
      const on = d.id === id;
      s.btn.setAttribute('aria-selected', String(on));
      s.btn.classList.toggle('active', on);
      s.panel.hidden = !on;
      if (on) void d.render(s.panel);
    }
    onChange?.(id);
  }
  for (const d of defs) {
    const btn = h('button', { type: 'button', role: 'tab', onclick: () => select(d.id) }, d.label);
    const panel = h('div', { role: 'tabpanel', hidden: true });
    state.set(d.id, { btn, panel });
    bar.append(btn);
    panels.append(panel);
  }
  return { el: h('div', {}, bar, panels), select };
}

// ---------- roster ----------

/**
 * The roster as a table, with ID numbers and phones masked as the API sends them (SEC-3). On a phone
 * the table becomes one card per trainee (app.css, `.roster`), each cell labelled, so no ID number is
 * cut off. `withAccount` adds the issued username; `photoCell(r)` replaces the plain ✓/✗ ID-photo cell.
 */
export function rosterTable(
  items: RosterEntryView[],
  {
    withAccount = false,
    photoCell,
  }: { withAccount?: boolean; photoCell?: (r: RosterEntryView) => HTMLTableCellElement } = {},
): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, '名册为空 The roster is empty');
  const titles = [
    '#',
    '姓名 Name',
    '证件 ID',
    '手机 Phone',
    '学历 Education',
    ...(withAccount ? ['账户 Account'] : []),
    '证件照 ID photo',
    '身份核验 Identity',
  ];
  const cell = (title: string, attrs: Record<string, unknown>, ...children: Child[]) =>
    h('td', { ...attrs, 'data-label': title }, ...children);
  const row = (r: RosterEntryView, i: number) => {
    const photo = photoCell ? photoCell(r) : h('td', {}, r.hasIdPhoto ? '✓ 有 Yes' : '✗ 无 None');
    photo.dataset.label = '证件照 ID photo';
    return h(
      'tr',
      {},
      cell('#', {}, String(i + 1)),
      cell('姓名 Name', { class: 'name' }, r.name),
      cell('证件 ID', { class: 'nowrap' }, `${labelZh(ID_TYPES, r.idType)} ${r.idNumberMasked}`),
      cell('手机 Phone', { class: 'nowrap' }, r.phoneMasked ?? ''),
      cell('学历 Education', {}, labelZh(EDUCATION, r.education)),
      withAccount ? cell('账户 Account', { class: 'nowrap' }, r.username ?? '—') : null,
      photo,
      cell('身份核验 Identity', {}, r.identityStatus ? badge(r.identityStatus, IDENTITY_STATUSES) : '—'),
    );
  };
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'roster' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          titles.map((t) => h('th', {}, t)),
        ),
      ),
      h('tbody', {}, items.map(row)),
    ),
  );
}

// ---------- class group chat ----------

const ROLE_SHORT: Record<string, string> = {
  class_manager: '班主任',
  institution_admin: '机构管理员',
  instructor: '教员',
  trainee: '学员',
  maritime_officer: '海事',
  platform_admin: '平台',
};

/** The class contact group: messages refreshed every 10 s, and a box to write (for all who may post). */
export function chatPanel(panel: HTMLElement, classId: string, me: Me, { canPost = true } = {}): () => void {
  const list = h('div', { class: 'chat-list', 'aria-live': 'polite' });
  const err = h('div', { hidden: true });
  const input = h('textarea', {
    rows: '2',
    maxlength: '4000',
    required: true,
    placeholder: '输入消息 Type a message',
  });
  const send = h('button', { type: 'submit' }, '发送 Send');
  const form = h('form', { class: 'chat-form' }, input, send);
  let lastKey = '';
  async function load(): Promise<void> {
    try {
      const items = (await api.classes.messages(classId)).items;
      showError(err, null);
      const key = `${items.length}${items.at(-1)?.createdAt ?? ''}${items[0]?.createdAt ?? ''}`;
      if (key === lastKey) return;
      lastKey = key;
      const sorted = [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      list.replaceChildren(
        ...(sorted.length
          ? sorted.map((m) =>
              h(
                'div',
                { class: `msg${m.authorAccountId === me.accountId ? ' mine' : ''}` },
                h(
                  'div',
                  { class: 'msg-meta' },
                  h('strong', {}, m.authorName),
                  ` ${(m.authorRoles ?? []).map((r) => ROLE_SHORT[r] ?? r).join('/')} · ${fmtDateTime(m.createdAt)}`,
                ),
                h('div', { class: 'msg-body' }, m.body),
              ),
            )
          : [h('p', { class: 'muted' }, '还没有消息 No messages yet')]),
      );
      list.scrollTop = list.scrollHeight;
    } catch (e) {
      showError(err, e);
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    send.disabled = true;
    void (async () => {
      try {
        await api.classes.postMessage(classId, body);
        input.value = '';
        await load();
      } catch (ex) {
        showError(err, ex);
      } finally {
        send.disabled = false;
      }
    })();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  panel.replaceChildren(
    h('p', { class: 'hint' }, '每 10 秒刷新 Refreshes every 10 s · Ctrl+Enter 发送 to send'),
    list,
    err,
    ...(canPost ? [form] : []),
  );
  void load();
  const id = setInterval(() => void load(), 10_000);
  return () => clearInterval(id);
}

// ---------- class list ----------

/**
 * The classes as a table, each row opening `#/class/:id`: code, name, filing state, version, first session
 * (with the days until it, counted from `today`, China date) and roster size; the institution first when
 * the list spans several (an officer's).
 */
export function classTable(
  classes: ClassSummary[],
  opts: { today: string; showInstitution?: boolean },
): HTMLElement {
  const showInst = opts.showInstitution ?? false;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'clickable' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            showInst ? '机构 Institution' : null,
            '班级编号 Code',
            '班级名称 Name',
            '状态 State',
            '版本 Ver.',
            '首次课次 First session',
            '名册 Roster',
          ]
            .filter(Boolean)
            .map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        classes.map((c) => {
          const days = daysBetween(opts.today, c.firstSessionDate);
          const go = () => (location.hash = `#/class/${c.id}`);
          return h(
            'tr',
            { tabindex: '0', onclick: go, onkeydown: (e: KeyboardEvent) => e.key === 'Enter' && go() },
            showInst ? h('td', {}, c.institutionNameZh) : null,
            h('td', {}, h('a', { href: `#/class/${c.id}` }, c.code)),
            h('td', {}, c.name),
            h('td', {}, badge(c.filingState)),
            h('td', {}, `v${c.currentVersion}`),
            h(
              'td',
              { class: 'nowrap' },
              c.firstSessionDate,
              days >= 0 ? h('span', { class: 'muted' }, ` (${days} 天后 in ${days} d)`) : null,
            ),
            h('td', {}, String(c.rosterCount)),
          );
        }),
      ),
    ),
  );
}

// ---------- class page ----------

/**
 * Loads what a class page shows into `view` (a loading line first); on failure shows the error with the
 * way back to the list and answers null.
 */
export async function loadForClassPage<T>(view: HTMLElement, load: () => Promise<T>): Promise<T | null> {
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  try {
    return await load();
  } catch (err) {
    const e = errSlot();
    view.replaceChildren(h('a', { href: '#/' }, '← 班级列表 Classes'), e);
    showError(e, err);
    return null;
  }
}

/** A class page's head: code and name, filing state, version (and the institution), the way back. */
export function classHead(cls: ClassView, opts: { showInstitution?: boolean } = {}): HTMLElement {
  return h(
    'div',
    { class: 'page-head' },
    h(
      'div',
      {},
      h('h2', {}, `${cls.code} · ${cls.name}`),
      h(
        'p',
        { 'data-testid': 'class-header' },
        badge(cls.filingState),
        ` v${cls.current.version} · ${opts.showInstitution ? `${cls.institutionNameZh} · ` : ''}${cls.trainingItemCode} ${cls.trainingItemNameZh}`,
      ),
    ),
    h('a', { href: '#/' }, '← 班级列表 Classes'),
  );
}
