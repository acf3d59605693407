// Class manager / institution admin: classes of the institution, plan editor, filing, roster, trainee
// accounts, identity review and the class group chat. Hash routes: #/  #/new  #/class/:id[/tab]  #/class/:id/edit
import type { ClassView, InstitutionView, StaffView, TrainingItemView } from '@seafarer/contracts';
import { api, download, requireSignIn, type Me } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, errorText, showError } from '../shared/errors';
import { FILING_STATES, badge, chinaToday } from '../shared/format';
import {
  chatPanel,
  classFacts,
  classHead,
  classOfNotification,
  classTable,
  hoursLine,
  initHeader,
  loadForClassPage,
  renderPlanVersion,
  renderVerifications,
  revokeObjectUrls,
  tabs,
  versionBrowser,
} from '../shared/ui';
import { planEditor } from './plan-editor';
import { rosterTab } from './roster';
import { attendanceTab } from './attendance';
import { timelineView } from '../shared/timeline';
import { managerFindingsView } from './findings';
import { proctoringView } from './proctoring';
import { examResultsView } from './exam-results';
import { questionBankView, questionItemsView } from './question-bank';
import { evaluationTab } from './evaluation';
import { qualityView } from './quality';
import { examStandardsView } from './exam-standards';
import { examsTab } from './exams';
import { quizzesTab } from './quizzes';

const view = document.getElementById('view') as HTMLElement;

export interface ManagerContext {
  me: Me;
  institution: InstitutionView | null;
  items: TrainingItemView[];
  staff: StaffView[];
  names: Map<string, string>;
}
let ctx: ManagerContext;
let stopTimers: Array<() => void> = [];
let routeSeq = 0;
const stale = (seq: number) => seq !== routeSeq;

async function start(): Promise<void> {
  let me: (Me & { notAllowed?: boolean }) | null;
  try {
    me = await requireSignIn(['class_manager', 'institution_admin']);
  } catch (err) {
    view.replaceChildren(
      h('div', { class: 'error' }, errorText(err)),
      h('a', { href: './index.html' }, '返回登录 Back to sign-in'),
    );
    return;
  }
  if (!me) return;
  if (me.notAllowed || !me.institutionId) {
    view.replaceChildren(
      section(
        '无权访问 Not available',
        h('p', {}, '此页面供班主任和机构管理员使用 This page is for class managers and institution admins.'),
        h('a', { href: './index.html' }, '返回首页 Back'),
      ),
    );
    return;
  }
  const institutionId = me.institutionId;
  initHeader(me, {
    onNotificationClick: (n) => {
      // JS-17: the authority's findings, decisions and measures open the findings page.
      if (n.kind.startsWith('oversight.')) return void (location.hash = '#/findings');
      const id = classOfNotification(n);
      if (id) location.hash = `#/class/${id}`;
    },
  });
  try {
    const [insts, items, staff] = await Promise.all([
      api.institutions.list(),
      api.institution.trainingItems(institutionId),
      api.institution.staff(institutionId),
    ]);
    ctx = {
      me,
      institution: insts.items.find((i) => i.id === institutionId) ?? null,
      items: items.items,
      staff: staff.items,
      names: new Map(staff.items.map((s) => [s.accountId, s.displayName])),
    };
  } catch (err) {
    view.replaceChildren(h('div', { class: 'error' }, errorText(err)));
    return;
  }
  window.addEventListener('hashchange', route);
  route();
}

function route(): void {
  for (const stop of stopTimers) stop();
  stopTimers = [];
  revokeObjectUrls();
  const seq = ++routeSeq;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  window.scrollTo(0, 0);
  if (parts[0] === 'new') return createView();
  // JS-16: one trainee's evidence timeline (shared/timeline.ts), from the attendance tab.
  if (parts[0] === 'timeline' && parts[1] && parts[2])
    return void timelineView(view, parts[1], parts[2], {
      back: `#/class/${parts[1]}/attendance`,
      stale: () => stale(seq),
    });
  // JS-17: the authority's findings and the institution's corrections (manager/findings.ts).
  if (parts[0] === 'findings')
    return void managerFindingsView(view, ctx.me.institutionId ?? '', () => stale(seq));
  // JS-7.3: the results, statistics, marking and release of an exam (manager/exam-results.ts).
  if (parts[0] === 'exam' && parts[1] && parts[2])
    return void examResultsView(view, parts[1], parts[2], () => stale(seq));
  // JS-7.3 / QM-4: the proctoring review of an exam (manager/proctoring.ts).
  if (parts[0] === 'proctoring' && parts[1] && parts[2])
    return void proctoringView(view, parts[1], parts[2], () => stale(seq));
  // QM-3: the institution's quality objectives (manager/quality.ts).
  if (parts[0] === 'quality') return void qualityView(view, ctx.me.institutionId ?? '', () => stale(seq));
  // QM-2: the question bank of a training item (manager/question-bank.ts).
  if (parts[0] === 'questions') {
    if (!parts[1]) return questionItemsView(view, ctx.items);
    const item = ctx.items.find((i) => i.id === parts[1]);
    return void questionBankView(view, item, parts[1], () => stale(seq));
  }
  // JS-7.3 / QM-2: the exam standards (blueprints) of a training item (manager/exam-standards.ts).
  if (parts[0] === 'standards' && parts[1]) {
    const item = ctx.items.find((i) => i.id === parts[1]);
    return void examStandardsView(view, item, parts[1], ctx.me, () => stale(seq));
  }
  if (parts[0] === 'class' && parts[1]) {
    if (parts[2] === 'edit') return void amendView(parts[1], seq);
    return void classView(parts[1], parts[2] ?? 'plan', seq);
  }
  void listView(seq);
}

// ---------- list ----------

async function listView(seq: number): Promise<void> {
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const inst = ctx.institution;
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h2', {}, '班级 Classes'),
        inst ? h('p', { class: 'muted' }, `${inst.nameZh} · ${inst.nameEn}`) : null,
      ),
      h(
        'div',
        { class: 'actions' },
        h('a', { href: '#/findings' }, '监督检查与整改 Findings'),
        h('a', { href: '#/questions' }, '题库 Question banks'),
        h('a', { href: '#/quality' }, '质量目标 Quality objectives'),
        h('a', { href: '#/new', class: 'button' }, '＋ 新建班级 New class'),
      ),
    ),
    err,
    section(null, body),
  );
  let classes;
  try {
    classes = (await api.institution.classes(ctx.me.institutionId ?? '')).items;
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
    return;
  }
  if (stale(seq)) return;
  if (classes.length === 0) {
    body.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        '还没有班级 No classes yet. ',
        h('a', { href: '#/new' }, '新建班级 Create one'),
      ),
    );
    return;
  }
  classes.sort((a, b) => b.firstSessionDate.localeCompare(a.firstSessionDate));
  const counts: Record<string, number> = {};
  for (const c of classes) counts[c.filingState] = (counts[c.filingState] ?? 0) + 1;
  body.replaceChildren(
    h(
      'p',
      { class: 'legend' },
      Object.keys(FILING_STATES)
        .filter((s) => counts[s])
        .map((s) => h('span', {}, badge(s), ` ${counts[s]} `)),
    ),
    classTable(classes, { today: chinaToday() }),
  );
}

// ---------- create and amend ----------

function createView(): void {
  const theory = ctx.items.filter((i) => i.kind === 'theory');
  if (theory.length === 0) {
    view.replaceChildren(
      section(
        '新建班级 New class',
        h('p', {}, '本机构没有可线上开展的理论培训项目 No theory training items available.'),
      ),
    );
    return;
  }
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '新建班级 New class'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    planEditor(ctx, { mode: 'create' }),
  );
}

async function amendView(classId: string, seq: number): Promise<void> {
  const cls = await loadForClassPage(view, () => api.classes.get(classId));
  if (!cls || stale(seq)) return;
  const v = cls.current;
  const confirmed = v.status === 'confirmed';
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, `修改计划 Amend plan · ${cls.code}`),
      h('a', { href: `#/class/${cls.id}` }, '← 返回 Back'),
    ),
    v.status === 'draft'
      ? h(
          'p',
          { class: 'hint' },
          '草稿尚未报备，直接修改 The draft has not been filed; it is edited in place.',
        )
      : h(
          'p',
          { class: 'warn' },
          `当前第 ${v.version} 版已${confirmed ? '确认' : '报备'}：修改后生成第 ${v.version + 1} 版草稿，须重新报备并经海事确认${confirmed ? '，在此之前班级不能开课' : ''}。` +
            ` Amending creates draft v${v.version + 1}, which must be filed and confirmed again${confirmed ? '; until then the class cannot run' : ''}.`,
        ),
    planEditor(ctx, { mode: 'amend', cls }),
  );
}

// ---------- class detail ----------

async function classView(classId: string, tab: string, seq: number): Promise<void> {
  const cls = await loadForClassPage(view, () => api.classes.get(classId));
  if (!cls || stale(seq)) return;
  let stopChat: (() => void) | null = null;
  const t = tabs(
    [
      { id: 'plan', label: '计划与备案 Plan', render: (p) => planTab(p, cls, seq) },
      { id: 'roster', label: '名册 Roster', render: (p) => rosterTab(p, cls, { stale: () => stale(seq) }) },
      {
        id: 'identity',
        label: '身份核验 Identity',
        render: (p) => renderVerifications(p, cls.id, { canDecide: true }),
      },
      {
        id: 'attendance',
        label: '考勤 Attendance',
        render: (p) =>
          attendanceTab(p, cls.id, {
            canDecide: true,
            timelineHref: (accountId) => `#/timeline/${cls.id}/${accountId}`,
            stale: () => stale(seq),
          }),
      },
      {
        id: 'quizzes',
        label: '随堂测试 Quizzes',
        render: (p) =>
          quizzesTab(p, cls.id, {
            timelineHref: (accountId) => `#/timeline/${cls.id}/${accountId}`,
            stale: () => stale(seq),
          }),
      },
      { id: 'exams', label: '考试 Exams', render: (p) => examsTab(p, cls, { stale: () => stale(seq) }) },
      {
        id: 'evaluation',
        label: '课程评价 Evaluation',
        render: (p) => evaluationTab(p, cls, { stale: () => stale(seq) }),
      },
      {
        id: 'chat',
        label: '班级群 Group chat',
        render: (p) => {
          const inner = h('div', {});
          p.replaceChildren(section('班级群 Class group', inner));
          stopChat = chatPanel(inner, cls.id, ctx.me);
          stopTimers.push(stopChat);
        },
      },
    ],
    {
      onChange: (id) => {
        if (id !== 'chat' && stopChat) {
          stopChat();
          stopChat = null;
        }
        history.replaceState(null, '', `#/class/${cls.id}/${id}`);
      },
    },
  );
  view.replaceChildren(classHead(cls), t.el);
  t.select(
    ['plan', 'roster', 'identity', 'attendance', 'exams', 'quizzes', 'evaluation', 'chat'].includes(tab)
      ? tab
      : 'plan',
  );
}

/** The filing rule and where this class stands against it, as the API counts it (JS-11.1). */
function filingRule(cls: ClassView): HTMLElement {
  const d = cls.filingDeadline;
  const passed = d.applies && d.daysLeft < 0;
  return h(
    'div',
    { class: passed ? 'warn' : 'info', 'data-testid': 'filing-rule' },
    h('strong', {}, '报备规则 Filing rule：'),
    '开班计划须在首次课次日期前至少 3 个日历日（北京时间）向海事管理机构报备，经确认后方可开课。 The plan must be filed with the maritime authority at least 3 calendar days (China time) before the first session, and confirmed before the class can run.',
    h('br'),
    `首次课次 First session ${d.firstSessionDate} → 最迟报备 last filing date ${d.lastFilingDate}。`,
    !d.applies
      ? null
      : d.daysLeft >= 0
        ? ` 还剩 ${d.daysLeft} 天 ${d.daysLeft} day(s) left.`
        : h('strong', {}, ' 已超过报备期限，请修改课表日期 The deadline has passed; amend the dates.'),
  );
}

function planTab(panel: HTMLElement, cls: ClassView, seq: number): void {
  const v = cls.current;
  const err = errSlot();
  const refresh = () => classView(cls.id, 'plan', ++routeSeq);

  const actions = h('div', { class: 'actions' });
  if (v.status === 'draft')
    actions.append(
      actionButton(
        '提交备案 File plan',
        async () => {
          if (
            !confirm(
              `提交第 ${v.version} 版计划报备海事管理机构？ File plan v${v.version} with the maritime authority?`,
            )
          )
            return;
          await api.classes.filePlan(cls.id);
          await refresh();
        },
        { errEl: err },
      ),
    );
  actions.append(
    h(
      'a',
      { class: 'button secondary', href: `#/class/${cls.id}/edit` },
      v.status === 'draft' ? '编辑计划 Edit plan' : '变更计划 Amend plan',
    ),
    actionButton(
      '下载备案材料 Filing package (XLSX)',
      () => download(api.classes.filingPackage(cls.id, 'xlsx'), `${cls.code}-filing.xlsx`),
      {
        errEl: err,
        cls: 'secondary',
      },
    ),
    actionButton(
      'JSON',
      () => download(api.classes.filingPackage(cls.id, 'json'), `${cls.code}-filing.json`),
      {
        errEl: err,
        cls: 'secondary',
      },
    ),
  );

  const stateNote =
    cls.filingState === 'pending_review'
      ? h('p', { class: 'info' }, '已报备，等待海事管理机构审核 Filed; waiting for the authority to review.')
      : cls.filingState === 'rejected'
        ? h(
            'p',
            { class: 'warn' },
            `已退回 Rejected：${v.reviewReason ?? ''} — 请变更计划后重新报备 Amend the plan and file again.`,
          )
        : cls.filingState === 'confirmed'
          ? h(
              'p',
              { class: 'ok-note' },
              '已获海事管理机构开班确认，可按课表开课 Confirmed by the authority; the class may run as timetabled.',
            )
          : null;
  const problems = v.problems?.length
    ? h(
        'div',
        { class: 'warn', 'data-testid': 'plan-problems' },
        h('strong', {}, '报备前须解决 Before filing:'),
        h(
          'ul',
          {},
          v.problems.map((p) => h('li', {}, `${p.zh} · ${p.en}`)),
        ),
      )
    : null;

  panel.replaceChildren(
    section('备案 Filing', stateNote, filingRule(cls), hoursLine(v), problems, actions, err),
    section('概况 Overview', classFacts(cls)),
    section(`当前计划 Current plan（v${v.version}）`, renderPlanVersion(v, ctx.names)),
    section(
      '版本记录 Versions',
      h(
        'p',
        { class: 'hint' },
        '点击版本查看内容及与上一版的变更 Click a version to see it and its changes from the previous one.',
      ),
      ...versionBrowser(cls.id, ctx.names, { stale: () => stale(seq) }),
    ),
  );
}

void start();
