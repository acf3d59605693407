// Pieces shared by the manager and officer pages: header and notification bell, plan and diff
// rendering, version list, identity verifications with the evidence viewer.
import {
  EDUCATION,
  ID_TYPES,
  IDENTITY_STATUSES,
  VERSION_STATUSES,
  addDays,
  badge,
  call,
  errorText,
  fmtDateTime,
  fmtHours,
  h,
  request,
  showError,
  signOut,
} from './api.js';

// ---------- header ----------

/** Fills the page header: who is signed in, the notification bell, sign-out. */
export function initHeader(me, { onNotificationClick } = {}) {
  const right = document.getElementById('header-right');
  const bell = notificationBell(onNotificationClick);
  right.replaceChildren(
    h('span', { class: 'who' }, me.displayName),
    bell,
    h('a', { href: './index.html', class: 'hdr-link' }, '首页 Home'),
    h('button', { type: 'button', class: 'link-btn', onclick: signOut }, '退出 Sign out'),
  );
}

/** A bell drawn as SVG (no emoji font needed). */
function bellIcon() {
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

function notificationBell(onClick) {
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
  let items = [];

  async function load() {
    try {
      items = (await call('GET', '/notifications?limit=50')).items;
    } catch {
      return; // the bell is not worth an error banner
    }
    const unread = items.filter((n) => !n.readAt).length;
    count.textContent = unread > 99 ? '99+' : String(unread);
    count.hidden = unread === 0;
    btn.title = `通知 Notifications（未读 ${unread} unread）`;
    if (!panel.hidden) render();
  }
  function render() {
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
                    await call('POST', '/notifications/read', { ids: unreadIds.slice(0, 200) });
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
              h(
                'li',
                {
                  class: n.readAt ? 'read' : 'unread',
                  onclick: async () => {
                    if (!n.readAt) await call('POST', '/notifications/read', { ids: [n.id] }).catch(() => {});
                    panel.hidden = true;
                    load();
                    if (onClick) onClick(n);
                  },
                },
                h('div', { class: 'n-title' }, `${n.title.zh} · ${n.title.en}`),
                h('div', { class: 'n-body' }, `${n.body.zh} · ${n.body.en}`),
                h('div', { class: 'n-time' }, fmtDateTime(n.createdAt)),
              ),
            ),
          ),
    );
  }
  btn.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) render();
  });
  document.addEventListener('click', (e) => {
    if (!wrap.contains(e.target)) panel.hidden = true;
  });
  load();
  setInterval(load, 30_000);
  return wrap;
}

// ---------- object URLs of evidence images ----------

const objectUrls = new Set();
/** Frees the images of the previous view (call on navigation). */
export function revokeObjectUrls() {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls.clear();
}

// ---------- plan ----------

/** Name of an account from a Map(accountId → displayName), or a short id. */
export const nameOf = (names, id) => names?.get(id) ?? (id ? `${id.slice(0, 8)}…` : '—');

/** Loads Map(accountId → staff) for an institution (empty when not allowed). */
export async function loadStaff(institutionId) {
  try {
    const { items } = await call('GET', `/institutions/${institutionId}/staff`);
    return items;
  } catch {
    return [];
  }
}

const dl = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );

/** The class header: code, name, item, state, key dates. */
export function classFacts(cls) {
  const v = cls.current;
  return dl([
    ['班级 Class', `${cls.code} · ${cls.name}`],
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
    ['当前版本 Current version', `v${v.version} (${(VERSION_STATUSES[v.status] ?? [v.status]).join(' ')})`],
    ['已确认版本 Confirmed version', cls.confirmedVersion ? `v${cls.confirmedVersion}` : '—'],
    ['规模 Scale', String(v.scale)],
    ['总学时 Total hours', fmtHours(v.totalHours)],
    ['首次课次 First session', v.firstSessionDate],
    ['最迟报备日期 Last filing date', addDays(v.firstSessionDate, -3)],
    ['报备时间 Filed at', fmtDateTime(v.filedAt)],
    ['审核时间 Reviewed at', fmtDateTime(v.reviewedAt)],
    v.reviewReason ? ['退回理由 Reason', h('span', { class: 'reason' }, v.reviewReason)] : null,
    [
      '名册人数 Roster',
      `${cls.rosterCount}${cls.rosterFiledAt ? ` · 已报备 filed ${fmtDateTime(cls.rosterFiledAt)}` : ''}`,
    ],
  ]);
}

/** One plan version: sessions, managers, instructors (with overrides) and the content note. */
export function renderPlanVersion(v, names) {
  const overrides = new Map((v.instructorOverrides ?? []).map((o) => [o.accountId, o.reason]));
  return h(
    'div',
    { class: 'plan' },
    h(
      'h4',
      {},
      `课表 Timetable（${v.sessions.length} 个课次 sessions，${fmtHours(v.totalHours)} 学时 hours）`,
    ),
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
            ['#', '日期 Date', '时间 Time', '内容 Topic', '教员 Instructor'].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          v.sessions.map((s, i) =>
            h(
              'tr',
              {},
              h('td', {}, String(s.seq ?? i + 1)),
              h('td', { class: 'nowrap' }, s.date),
              h('td', { class: 'nowrap' }, `${s.start}–${s.end}`),
              h('td', {}, s.topic),
              h('td', {}, nameOf(names, s.instructorAccountId)),
            ),
          ),
        ),
      ),
    ),
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

// ---------- versions & diff ----------

/** Version table; clicking a row calls onSelect(version). */
export function renderVersions(versions, { onSelect, selected } = {}) {
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
                onkeydown: onSelect ? (e) => e.key === 'Enter' && onSelect(v) : undefined,
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

const FIELD_NAMES = {
  scale: '规模 Scale',
  trainingItemId: '培训项目 Training item',
  contentNote: '教学内容说明 Content note',
  end: '结束 End',
  topic: '内容 Topic',
  instructorAccountId: '教员 Instructor',
  start: '开始 Start',
};

/** The diff of a version against the previous one, readable: added green, removed red, changes from → to. */
export function renderDiff(view, names) {
  const d = view.diff;
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

  const val = (field, x) => {
    if (x === null || x === undefined || x === '') return '（空 none）';
    return field === 'instructorAccountId' ? nameOf(names, x) : String(x);
  };
  const change = (c) =>
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
  const people = (group, label) => {
    if (!group || group.added.length + group.removed.length === 0) return;
    box.append(
      h('h5', {}, label),
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
  const rows = [];
  const sessionRow = (cls, sign, x) =>
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
export async function showDiff(container, classId, version, names) {
  container.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  try {
    const view = await call('GET', `/classes/${classId}/versions/${version}/diff`);
    container.replaceChildren(renderDiff(view, names));
  } catch (err) {
    showError(container, err);
  }
}

/**
 * A class's version list; picking a version shows its changes from the previous one and, folded,
 * its full plan. `preselect` (a version number) opens that one at once. Returns the elements to
 * place; they fill in when the versions arrive, unless `stale()` says the page moved on.
 */
export function versionBrowser(classId, names, { stale = () => false, preselect } = {}) {
  const box = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const detail = h('div', {});
  (async () => {
    try {
      const versions = (await call('GET', `/classes/${classId}/versions`)).items;
      if (stale()) return;
      const select = (pv) => {
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
        showDiff(diffBox, classId, pv.version, names);
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
export function evidenceFigure(evidenceId, caption) {
  const fig = h('figure', { class: 'evidence' });
  const cap = h('figcaption', {}, caption);
  if (!evidenceId) {
    fig.append(h('div', { class: 'ph' }, '未上传 None'), cap);
    return fig;
  }
  const holder = h('div', { class: 'ph' }, '加载中… Loading…');
  fig.append(holder, cap);
  request('GET', `/evidence/${evidenceId}`, { expect: 'blob' })
    .then(({ blob }) => {
      const url = URL.createObjectURL(blob);
      objectUrls.add(url);
      holder.replaceChildren(h('img', { src: url, alt: caption }));
      holder.classList.remove('ph');
    })
    .catch((err) => {
      holder.textContent = errorText(err);
      holder.classList.add('error');
    });
  return fig;
}

/**
 * The identity verifications of a class. With canDecide, pending ones get approve / reject with a note.
 * Photos load on demand ("查看将被记录 Views are logged").
 */
export async function renderVerifications(container, classId, { canDecide = false } = {}) {
  container.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let items;
  try {
    items = (await call('GET', `/classes/${classId}/verifications`)).items;
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
  const order = { pending: 0, rejected: 1, verified: 2 };
  items.sort(
    (a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || b.createdAt.localeCompare(a.createdAt),
  );
  container.replaceChildren(
    note,
    ...items.map((v) =>
      verificationCard(v, classId, canDecide, () => renderVerifications(container, classId, { canDecide })),
    ),
  );
}

function verificationCard(v, classId, canDecide, refresh) {
  const photos = h('div', { class: 'photos' });
  const viewBtn = h('button', { type: 'button', class: 'secondary' }, '查看照片 View photos');
  viewBtn.addEventListener('click', () => {
    viewBtn.parentElement.hidden = true;
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
    const decide = async (status, btn) => {
      showError(err, null);
      if (!noteInput.value.trim()) {
        showError(err, { message: '请填写审核意见 Enter a note' });
        noteInput.focus();
        return;
      }
      btn.disabled = true;
      try {
        await call('POST', `/verifications/${v.id}/decision`, { status, note: noteInput.value.trim() });
        await refresh();
      } catch (e) {
        showError(err, e);
        btn.disabled = false;
      }
    };
    const ok = h('button', { type: 'button', class: 'ok' }, '通过 Approve');
    const no = h('button', { type: 'button', class: 'danger' }, '不通过 Reject');
    ok.addEventListener('click', () => decide('verified', ok));
    no.addEventListener('click', () => decide('rejected', no));
    card.append(h('label', {}, '审核意见 Note', noteInput), h('div', { class: 'actions' }, ok, no), err);
  }
  return card;
}

const fmtScore = (x) => (x <= 1 ? `${Math.round(x * 100)}%` : String(x));

// ---------- tabs ----------

/** Simple tab bar. defs: [{ id, label, render(panel) }]; returns { el, select(id) }. */
export function tabs(defs, { onChange } = {}) {
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const panels = h('div', {});
  const state = new Map();
  function select(id) {
    for (const d of defs) {
      const { btn, panel } = state.get(d.id);
      const on = d.id === id;
      btn.setAttribute('aria-selected', String(on));
      btn.classList.toggle('active', on);
      panel.hidden = !on;
      if (on) d.render(panel);
    }
    if (onChange) onChange(id);
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
 * The roster as a table, with ID numbers and phones masked as the API sends them (SEC-3).
 * `withAccount` adds the issued username; `photoCell(r)` replaces the plain ✓/✗ of the ID-photo column.
 */
export function rosterTable(items, { withAccount = false, photoCell = null } = {}) {
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
  const row = (r, i) =>
    h(
      'tr',
      {},
      h('td', {}, String(i + 1)),
      h('td', {}, r.name),
      h('td', { class: 'nowrap' }, `${ID_TYPES[r.idType] ?? r.idType ?? ''} ${r.idNumberMasked}`),
      h('td', { class: 'nowrap' }, r.phoneMasked ?? ''),
      h('td', {}, EDUCATION[r.education] ?? r.education ?? ''),
      ...(withAccount ? [h('td', { class: 'nowrap' }, r.username ?? '—')] : []),
      photoCell ? photoCell(r) : h('td', {}, r.hasIdPhoto ? '✓' : '✗'),
      h('td', {}, r.identityStatus ? badge(r.identityStatus, IDENTITY_STATUSES) : '—'),
    );
  return h(
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
          titles.map((t) => h('th', {}, t)),
        ),
      ),
      h('tbody', {}, items.map(row)),
    ),
  );
}
