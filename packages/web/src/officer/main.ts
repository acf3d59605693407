// Maritime officer: notifications of new filings, institutions of the jurisdiction and their classes,
// the to-review list, class detail with the plan, versions and diff, confirm / reject, roster and
// identity verifications (read-only). Hash routes: #/  #/class/:id[/tab]
import type { ClassView, InstitutionView, NotificationView } from '@seafarer/contracts';
import { QUALIFICATION_LABELS } from '@seafarer/contracts';
import type { ClassSummary } from '@seafarer/sdk';
import { api, download, requireSignIn, type Me } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, errorText, inputError, showError } from '../shared/errors';
import { dashboardSections } from './dashboard';
import { supervisionView } from './supervision';
import { officerQualityView } from './quality';
import { chinaDateOf, chinaToday, daysBetween, fmtDateTime, label } from '../shared/format';
import {
  classFacts,
  classHead,
  classOfNotification,
  classTable,
  initHeader,
  loadForClassPage,
  loadStaff,
  notificationItem,
  renderPlanVersion,
  renderVerifications,
  revokeObjectUrls,
  rosterTable,
  showDiff,
  tabs,
  versionBrowser,
  type Names,
} from '../shared/ui';
import { findingsView, jurisdictionFindingsView } from './findings';
import { attendanceTab } from '../manager/attendance';
import { timelineView } from '../shared/timeline';

const view = document.getElementById('view') as HTMLElement;
const staffByInst = new Map<string, Names>();
let routeSeq = 0;
const stale = (seq: number) => seq !== routeSeq;

async function start(): Promise<void> {
  let me: (Me & { notAllowed?: boolean }) | null;
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
  initHeader(me, { onNotificationClick: openNotification });
  window.addEventListener('hashchange', route);
  route();
}

function openNotification(n: NotificationView): void {
  // JS-17: a correction submitted or an overdue item opens the institution's findings page.
  const inst = n.kind.startsWith('oversight.')
    ? (n.data as { institutionId?: unknown } | null)?.institutionId
    : undefined;
  if (typeof inst === 'string') return void (location.hash = `#/findings/${inst}`);
  const id = classOfNotification(n);
  if (id) location.hash = `#/class/${id}`;
}

function route(): void {
  revokeObjectUrls();
  const seq = ++routeSeq;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  window.scrollTo(0, 0);
  if (parts[0] === 'class' && parts[1]) return void classView(parts[1], parts[2] ?? 'review', seq);
  if (parts[0] === 'supervision') return void supervisionView(view, () => stale(seq));
  // QM-3: the quality objectives of the jurisdiction's institutions (officer/quality.ts).
  if (parts[0] === 'quality') return void officerQualityView(view, () => stale(seq));
  // JS-16: a trainee's evidence timeline (from an anomaly or the class's attendance tab).
  if (parts[0] === 'timeline' && parts[1] && parts[2])
    return void timelineView(view, parts[1], parts[2], {
      back: `#/class/${parts[1]}/attendance`,
      stale: () => stale(seq),
    });
  // JS-17 / QM-4: findings, corrections, measures and scoring (officer/findings.ts).
  if (parts[0] === 'findings')
    return void (parts[1]
      ? findingsView(view, parts[1], () => stale(seq))
      : jurisdictionFindingsView(view, () => stale(seq)));
  void homeView(seq);
}

async function namesFor(institutionId: string): Promise<Names> {
  let names = staffByInst.get(institutionId);
  if (!names) {
    const staff = await loadStaff(institutionId);
    names = new Map(staff.map((s) => [s.accountId, s.displayName]));
    staffByInst.set(institutionId, names);
  }
  return names;
}

// ---------- home ----------

/** The officer's notices (new filings in the jurisdiction), newest first; opening one marks it read. */
async function noticesInto(box: HTMLElement): Promise<void> {
  try {
    const items = (await api.notifications.list(20)).items;
    box.replaceChildren(
      items.length === 0
        ? h('p', { class: 'muted' }, '暂无通知 No notifications')
        : h(
            'ul',
            { class: 'notif-list' },
            items.map((n) =>
              notificationItem(n, () => {
                void api.notifications.read([n.id]).catch(() => undefined);
                openNotification(n);
              }),
            ),
          ),
    );
  } catch (e) {
    showError(box, e);
  }
}

async function homeView(seq: number): Promise<void> {
  const err = errSlot();
  const review = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const insts = h('div', {});
  const notices = h(
    'div',
    { 'data-testid': 'officer-notices' },
    h('p', { class: 'muted' }, '加载中… Loading…'),
  );
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '辖区开班备案 Class filings in the jurisdiction'),
      h(
        'div',
        { class: 'actions' },
        h('a', { href: '#/findings' }, '监督检查事项 Findings'),
        h('a', { href: '#/quality' }, '质量目标 Quality objectives'),
      ),
    ),
    // JS-16: the home is the dashboard (live classes, anomalies, overdue rectifications), then the filings.
    dashboardSections(() => stale(seq)),
    err,
    section('待审核 To review', review),
    section('通知 Notifications', notices),
    section('培训机构 Institutions', insts),
  );
  void noticesInto(notices);
  let institutions: InstitutionView[];
  try {
    institutions = (await api.institutions.list()).items;
  } catch (e) {
    showError(err, e);
    review.replaceChildren();
    return;
  }
  const results = await Promise.all(
    institutions.map((i) =>
      api.institution.classes(i.id).then(
        (r) => ({ inst: i, classes: r.items, error: null as unknown }),
        (e: unknown) => ({ inst: i, classes: [] as ClassSummary[], error: e }),
      ),
    ),
  );
  if (stale(seq)) return;
  const today = chinaToday();
  const pending = results
    .flatMap((r) => r.classes.filter((c) => c.filingState === 'pending_review'))
    .sort((a, b) => a.firstSessionDate.localeCompare(b.firstSessionDate));
  review.replaceChildren(
    pending.length === 0
      ? h('p', { class: 'muted' }, '没有待审核的开班备案 Nothing to review')
      : classTable(pending, { today, showInstitution: true }),
  );
  if (results.length === 0) {
    insts.replaceChildren(
      h('p', { class: 'muted' }, '辖区内暂无培训机构 No institutions in the jurisdiction'),
    );
    return;
  }
  insts.replaceChildren(
    ...results.map((r) => {
      const pendingCount = r.classes.filter((c) => c.filingState === 'pending_review').length;
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
            label(QUALIFICATION_LABELS, r.inst.onlineQualification),
          ),
          ` · ${r.classes.length} 个班级 classes · `,
          h('a', { href: `#/findings/${r.inst.id}` }, '监督检查与整改 Findings'),
          pendingCount ? h('span', { class: 'badge st-pending_review' }, `待确认 ${pendingCount}`) : null,
        ),
        body,
      );
    }),
  );
}

// ---------- class detail ----------

async function classView(classId: string, tab: string, seq: number): Promise<void> {
  const loaded = await loadForClassPage(view, async () => {
    const c = await api.classes.get(classId);
    return { cls: c, names: await namesFor(c.institutionId) };
  });
  if (!loaded || stale(seq)) return;
  const { cls, names } = loaded;
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
      {
        id: 'attendance',
        label: '考勤 Attendance',
        render: (p) =>
          attendanceTab(p, cls.id, {
            canDecide: false,
            timelineHref: (accountId) => `#/timeline/${cls.id}/${accountId}`,
            stale: () => stale(seq),
          }),
      },
    ],
    { onChange: (id) => history.replaceState(null, '', `#/class/${cls.id}/${id}`) },
  );
  view.replaceChildren(classHead(cls, { showInstitution: true }), t.el);
  t.select(['review', 'versions', 'roster', 'identity', 'attendance'].includes(tab) ? tab : 'review');
}

function reviewTab(panel: HTMLElement, cls: ClassView, names: Names): void {
  const v = cls.current;
  const err = errSlot();
  const diffBox = h('div', {});
  const parts: HTMLElement[] = [];
  if (cls.filingState === 'pending_review') {
    const reason = h('textarea', {
      rows: '3',
      maxlength: '2000',
      placeholder: '退回理由（退回时必填）Reason (required to reject)',
    });
    const decide = async (decision: 'confirm' | 'reject') => {
      if (decision === 'reject' && !reason.value.trim()) {
        showError(err, inputError('退回须说明理由', 'A rejection needs a reason'));
        reason.focus();
        return;
      }
      const q =
        decision === 'confirm'
          ? `确认 ${cls.code} 第 ${v.version} 版开班计划？确认后班级可按课表开课。 Confirm plan v${v.version}? The class may then run as timetabled.`
          : `退回 ${cls.code} 第 ${v.version} 版开班计划？ Reject plan v${v.version}?`;
      if (!confirm(q)) return;
      await api.classes.review(
        cls.id,
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
          `报备于 Filed ${filedOn}，首次课次 first session ${v.firstSessionDate}（提前 ${lead} 天 ${lead} days ahead；最迟报备 last filing date ${cls.filingDeadline.lastFilingDate}）。`,
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
    void showDiff(diffBox, cls.id, v.version, names);
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
            () => download(api.classes.filingPackage(cls.id, 'xlsx'), `${cls.code}-filing.xlsx`),
            {
              errEl: err,
              cls: 'secondary',
            },
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

function versionsTab(panel: HTMLElement, cls: ClassView, names: Names, seq: number): void {
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

async function rosterTab(panel: HTMLElement, cls: ClassView, seq: number): Promise<void> {
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
    const items = (await api.classes.roster(cls.id)).items;
    if (stale(seq)) return;
    box.replaceChildren(rosterTable(items));
  } catch (e) {
    showError(box, e);
  }
}

void start();
