// Maritime officer: institutions of the jurisdiction and their classes, the to-review list, class
// detail with the plan, versions and diff, confirm / reject, roster and identity verifications (read-only).
// Hash routes: #/  #/class/:id[/tab]
import {
  actionButton,
  badge,
  call,
  chinaDateOf,
  chinaToday,
  daysBetween,
  download,
  errorText,
  fmtDateTime,
  h,
  requireSignIn,
  showError,
} from './api.js';
import {
  classFacts,
  initHeader,
  loadStaff,
  renderPlanVersion,
  renderVerifications,
  revokeObjectUrls,
  rosterTable,
  showDiff,
  tabs,
  versionBrowser,
} from './ui.js';

const view = document.getElementById('view');
const ctx = { me: null, institutions: [], staffByInst: new Map() };
let routeSeq = 0;
const stale = (seq) => seq !== routeSeq;
const section = (title, ...children) =>
  h('section', { class: 'card' }, title ? h('h3', {}, title) : null, ...children);
const errSlot = () => h('div', { hidden: true });

const QUALIFICATION = {
  qualified: '具备线上培训资格 Qualified',
  rectification: '整改中 Rectification',
  suspended: '暂停 Suspended',
  revoked: '撤销 Revoked',
  none: '无资格 None',
};

async function start() {
  let me;
  try {
    me = await requireSignIn(['maritime_officer']);
  } catch (err) {
    view.replaceChildren(
      h('div', { class: 'error' }, errorText(err)),
      h('a', { href: './index.html' }, '返回登录 Back to sign-in'),
    );
    return;
  }
  if (!me) return;
  if (me.notAllowed) {
    view.replaceChildren(
      section(
        '无权访问 Not available',
        h('p', {}, '此页面供海事检查员使用 This page is for maritime officers.'),
        h('a', { href: './index.html' }, '返回首页 Back'),
      ),
    );
    return;
  }
  ctx.me = me;
  initHeader(me, {
    onNotificationClick: (n) => {
      if (n.data?.classId) location.hash = `#/class/${n.data.classId}`;
    },
  });
  window.addEventListener('hashchange', route);
  route();
}

function route() {
  revokeObjectUrls();
  const seq = ++routeSeq;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  window.scrollTo(0, 0);
  if (parts[0] === 'class' && parts[1]) return classView(parts[1], parts[2] ?? 'review', seq);
  return homeView(seq);
}

async function namesFor(institutionId) {
  if (!ctx.staffByInst.has(institutionId)) {
    const staff = await loadStaff(institutionId);
    ctx.staffByInst.set(institutionId, new Map(staff.map((s) => [s.accountId, s.displayName])));
  }
  return ctx.staffByInst.get(institutionId);
}

// ---------- home ----------

async function homeView(seq) {
  const err = errSlot();
  const review = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const insts = h('div', {});
  view.replaceChildren(
    h('div', { class: 'page-head' }, h('h2', {}, '辖区开班备案 Class filings in the jurisdiction')),
    err,
    section('待审核 To review', review),
    section('培训机构 Institutions', insts),
  );
  let institutions;
  try {
    institutions = (await call('GET', '/institutions')).items;
  } catch (e) {
    showError(err, e);
    review.replaceChildren();
    return;
  }
  ctx.institutions = institutions;
  const results = await Promise.all(
    institutions.map((i) =>
      call('GET', `/institutions/${i.id}/classes`).then(
        (r) => ({ inst: i, classes: r.items }),
        (e) => ({ inst: i, classes: [], error: e }),
      ),
    ),
  );
  if (stale(seq)) return;
  const today = chinaToday();
  const pending = results
    .flatMap((r) =>
      r.classes.filter((c) => c.filingState === 'pending_review').map((c) => ({ ...c, inst: r.inst })),
    )
    .sort((a, b) => a.firstSessionDate.localeCompare(b.firstSessionDate));
  review.replaceChildren(
    pending.length === 0
      ? h('p', { class: 'muted' }, '没有待审核的开班备案 Nothing to review')
      : classTable(pending, { showInst: true, today }),
  );
  if (results.length === 0) {
    insts.replaceChildren(
      h('p', { class: 'muted' }, '辖区内暂无培训机构 No institutions in the jurisdiction'),
    );
    return;
  }
  insts.replaceChildren(
    ...results.map((r) => {
      const counts = r.classes.reduce((m, c) => ((m[c.filingState] = (m[c.filingState] ?? 0) + 1), m), {});
      const body = r.error
        ? h('div', { class: 'error' }, errorText(r.error))
        : r.classes.length
          ? classTable(
              [...r.classes].sort((a, b) => b.firstSessionDate.localeCompare(a.firstSessionDate)),
              { today },
            )
          : h('p', { class: 'muted' }, '暂无班级 No classes');
      return h(
        'details',
        { class: 'inst', open: results.length <= 3 },
        h(
          'summary',
          {},
          h('strong', {}, r.inst.nameZh),
          ` ${r.inst.nameEn} `,
          h(
            'span',
            { class: `badge ${r.inst.onlineQualification === 'qualified' ? 'st-confirmed' : 'st-rejected'}` },
            QUALIFICATION[r.inst.onlineQualification] ?? r.inst.onlineQualification,
          ),
          ` · ${r.classes.length} 个班级 classes`,
          counts.pending_review
            ? h('span', { class: 'badge st-pending_review' }, `待确认 ${counts.pending_review}`)
            : null,
        ),
        body,
      );
    }),
  );
}

function classTable(classes, { showInst, today }) {
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
          const days = daysBetween(today, c.firstSessionDate);
          const go = () => (location.hash = `#/class/${c.id}`);
          return h(
            'tr',
            { tabindex: '0', onclick: go, onkeydown: (e) => e.key === 'Enter' && go() },
            showInst ? h('td', {}, c.inst.nameZh) : null,
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

// ---------- class detail ----------

async function classView(classId, tab, seq) {
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let cls, names;
  try {
    cls = await call('GET', `/classes/${classId}`);
    names = await namesFor(cls.institutionId);
  } catch (err) {
    const e = errSlot();
    view.replaceChildren(h('a', { href: '#/' }, '← 返回 Back'), e);
    showError(e, err);
    return;
  }
  if (stale(seq)) return;
  const inst = ctx.institutions.find((i) => i.id === cls.institutionId);
  const t = tabs(
    [
      {
        id: 'review',
        label: cls.filingState === 'pending_review' ? '审核 Review ●' : '计划 Plan',
        render: (p) => reviewTab(p, cls, names),
      },
      { id: 'versions', label: '版本 Versions', render: (p) => versionsTab(p, cls, names, seq) },
      { id: 'roster', label: '名册 Roster', render: (p) => rosterTab(p, cls, seq) },
      {
        id: 'identity',
        label: '身份核验 Identity',
        render: (p) => renderVerifications(p, cls.id, { canDecide: false }),
      },
    ],
    { onChange: (id) => history.replaceState(null, '', `#/class/${cls.id}/${id}`) },
  );
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h2', {}, `${cls.code} · ${cls.name}`),
        h(
          'p',
          {},
          badge(cls.filingState),
          ` v${cls.current.version} · ${inst ? inst.nameZh : ''} · ${cls.trainingItemCode} ${cls.trainingItemNameZh}`,
        ),
      ),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    t.el,
  );
  t.select(['review', 'versions', 'roster', 'identity'].includes(tab) ? tab : 'review');
}

function reviewTab(panel, cls, names) {
  const v = cls.current;
  const err = errSlot();
  const diffBox = h('div', {});
  const parts = [];
  if (cls.filingState === 'pending_review') {
    const reason = h('textarea', {
      rows: '3',
      maxlength: '2000',
      placeholder: '退回理由（退回时必填）Reason (required to reject)',
    });
    const decide = async (decision) => {
      if (decision === 'reject' && !reason.value.trim()) {
        showError(err, { message: '退回须说明理由 A rejection needs a reason' });
        reason.focus();
        return;
      }
      const q =
        decision === 'confirm'
          ? `确认 ${cls.code} 第 ${v.version} 版开班计划？确认后班级可按课表开课。 Confirm plan v${v.version}? The class may then run as timetabled.`
          : `退回 ${cls.code} 第 ${v.version} 版开班计划？ Reject plan v${v.version}?`;
      if (!confirm(q)) return;
      await call(
        'POST',
        `/classes/${cls.id}/plan/review`,
        decision === 'confirm' ? { decision } : { decision, reason: reason.value.trim() },
      );
      await classView(cls.id, 'review', ++routeSeq);
    };
    const filedOn = v.filedAt ? chinaDateOf(v.filedAt) : chinaToday();
    const lead = daysBetween(filedOn, v.firstSessionDate);
    parts.push(
      section(
        `审核第 ${v.version} 版 Review version ${v.version}`,
        h(
          'p',
          { class: 'info' },
          `报备于 Filed ${filedOn}，首次课次 first session ${v.firstSessionDate}（提前约 ${lead} 天 about ${lead} days ahead；规则 rule ≥ 3）。`,
        ),
        v.instructorOverrides?.length
          ? h(
              'div',
              { class: 'warn' },
              h(
                'strong',
                {},
                '⚠ 含教龄不足 3 年的特批教员 Includes instructors with under 3 years of teaching (override)',
              ),
              h(
                'ul',
                {},
                v.instructorOverrides.map((o) =>
                  h('li', {}, h('strong', {}, names.get(o.accountId) ?? o.accountId), `：${o.reason}`),
                ),
              ),
            )
          : null,
        h('h4', {}, '与上一版本的变更 Changes from the previous version'),
        diffBox,
        h('label', {}, '退回理由 Reason for rejection', reason),
        h(
          'div',
          { class: 'actions' },
          actionButton('确认开班 Confirm', () => decide('confirm'), { errEl: err, cls: 'ok' }),
          actionButton('退回 Reject', () => decide('reject'), { errEl: err, cls: 'danger' }),
        ),
        err,
      ),
    );
    showDiff(diffBox, cls.id, v.version, names);
  } else {
    parts.push(
      section(
        null,
        h(
          'p',
          {
            class:
              cls.filingState === 'confirmed' ? 'ok-note' : cls.filingState === 'rejected' ? 'warn' : 'info',
          },
          cls.filingState === 'confirmed'
            ? `第 ${v.version} 版已确认 Version ${v.version} confirmed.`
            : cls.filingState === 'rejected'
              ? `第 ${v.version} 版已退回 Version ${v.version} rejected：${v.reviewReason ?? ''}`
              : `当前第 ${v.version} 版为草稿，尚未报备 Version ${v.version} is a draft, not filed yet${cls.confirmedVersion ? `（已确认版本 confirmed: v${cls.confirmedVersion}）` : ''}.`,
        ),
        h(
          'div',
          { class: 'actions' },
          actionButton(
            '下载备案材料 Filing package (XLSX)',
            () => download(`/classes/${cls.id}/filing-package?format=xlsx`, `${cls.code}-filing.xlsx`),
            { errEl: err, cls: 'secondary' },
          ),
        ),
        err,
      ),
    );
  }
  panel.replaceChildren(
    ...parts,
    section('概况 Overview', classFacts(cls)),
    section(`计划 Plan（v${v.version}）`, renderPlanVersion(v, names)),
  );
}

function versionsTab(panel, cls, names, seq) {
  panel.replaceChildren(
    section(
      '版本记录 Versions',
      h(
        'p',
        { class: 'hint' },
        '点击版本查看与上一版的变更 Click a version to see its changes from the previous one.',
      ),
      ...versionBrowser(cls.id, names, { stale: () => stale(seq), preselect: cls.current.version }),
    ),
  );
}

async function rosterTab(panel, cls, seq) {
  const box = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  panel.replaceChildren(
    section(
      `学员名册 Roster（${cls.rosterCount}）`,
      h(
        'p',
        { class: 'hint' },
        cls.rosterFiledAt
          ? `名册已报备 Roster filed: ${fmtDateTime(cls.rosterFiledAt)}`
          : '名册尚未报备 Roster not filed yet',
        ` · 最迟 deadline: 首次课次开始前 before ${cls.current.firstSessionDate} ${cls.current.sessions[0]?.start ?? ''}`,
      ),
      box,
    ),
  );
  try {
    const items = (await call('GET', `/classes/${cls.id}/roster`)).items;
    if (stale(seq)) return;
    box.replaceChildren(rosterTable(items));
  } catch (e) {
    showError(box, e);
  }
}

start();
