// Class manager / institution admin: classes of the institution, plan editor, filing, roster, trainee
// accounts, identity review and the class group chat. Hash routes: #/  #/new  #/class/:id[/tab]  #/class/:id/edit
import {
  FILING_STATES,
  actionButton,
  addDays,
  badge,
  call,
  chinaToday,
  daysBetween,
  download,
  errorText,
  fmtDateTime,
  fmtHours,
  h,
  minutesOf,
  request,
  requireSignIn,
  saveBlob,
  showError,
} from './api.js';
import {
  classFacts,
  initHeader,
  renderPlanVersion,
  renderVerifications,
  revokeObjectUrls,
  rosterTable,
  tabs,
  versionBrowser,
} from './ui.js';

const view = document.getElementById('view');
const ctx = { me: null, institution: null, items: [], staff: [], names: new Map() };
let timers = [];
let routeSeq = 0;

const section = (title, ...children) =>
  h('section', { class: 'card' }, title ? h('h3', {}, title) : null, ...children);
const errSlot = () => h('div', { hidden: true });

// ---------- start ----------

async function start() {
  let me;
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
  ctx.me = me;
  initHeader(me, {
    onNotificationClick: (n) => {
      if (n.data?.classId) location.hash = `#/class/${n.data.classId}`;
    },
  });
  try {
    const [insts, items, staff] = await Promise.all([
      call('GET', '/institutions'),
      call('GET', `/institutions/${me.institutionId}/training-items`),
      call('GET', `/institutions/${me.institutionId}/staff`),
    ]);
    ctx.institution = insts.items.find((i) => i.id === me.institutionId) ?? null;
    ctx.items = items.items;
    ctx.staff = staff.items;
    ctx.names = new Map(staff.items.map((s) => [s.accountId, s.displayName]));
  } catch (err) {
    view.replaceChildren(h('div', { class: 'error' }, errorText(err)));
    return;
  }
  window.addEventListener('hashchange', route);
  route();
}

function route() {
  for (const t of timers) clearInterval(t);
  timers = [];
  revokeObjectUrls();
  const seq = ++routeSeq;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  window.scrollTo(0, 0);
  if (parts[0] === 'new') return createView();
  if (parts[0] === 'class' && parts[1]) {
    if (parts[2] === 'edit') return amendView(parts[1], seq);
    return classView(parts[1], parts[2] ?? 'plan', seq);
  }
  return listView(seq);
}
const stale = (seq) => seq !== routeSeq;

// ---------- list ----------

async function listView(seq) {
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
      h('a', { href: '#/new', class: 'button' }, '＋ 新建班级 New class'),
    ),
    err,
    section(null, body),
  );
  let classes;
  try {
    classes = (await call('GET', `/institutions/${ctx.me.institutionId}/classes`)).items;
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
  const counts = {};
  for (const c of classes) counts[c.filingState] = (counts[c.filingState] ?? 0) + 1;
  body.replaceChildren(
    h(
      'p',
      { class: 'legend' },
      Object.keys(FILING_STATES)
        .filter((s) => counts[s])
        .map((s) => h('span', {}, badge(s), ` ${counts[s]} `)),
    ),
    h(
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
              '班级编号 Code',
              '班级名称 Name',
              '状态 State',
              '版本 Ver.',
              '首次课次 First session',
              '名册 Roster',
            ].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          classes.map((c) =>
            h(
              'tr',
              {
                tabindex: '0',
                onclick: () => (location.hash = `#/class/${c.id}`),
                onkeydown: (e) => e.key === 'Enter' && (location.hash = `#/class/${c.id}`),
              },
              h('td', {}, h('a', { href: `#/class/${c.id}` }, c.code)),
              h('td', {}, c.name),
              h('td', {}, badge(c.filingState)),
              h('td', {}, `v${c.currentVersion}`),
              h('td', { class: 'nowrap' }, c.firstSessionDate),
              h('td', {}, String(c.rosterCount)),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------- plan editor (create and amend) ----------

const staffWith = (role) => ctx.staff.filter((s) => s.roles.includes(role) && s.status !== 'disabled');
const yearsText = (s) =>
  s.teachingYears === null || s.teachingYears === undefined
    ? '教龄未登记 years not recorded'
    : `教龄 ${s.teachingYears} 年 ${s.teachingYears} yrs`;

function createView() {
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
    planEditor({ mode: 'create' }),
  );
}

async function amendView(classId, seq) {
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let cls;
  try {
    cls = await call('GET', `/classes/${classId}`);
  } catch (err) {
    const e = errSlot();
    view.replaceChildren(h('a', { href: '#/' }, '← 班级列表 Classes'), e);
    showError(e, err);
    return;
  }
  if (stale(seq)) return;
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, `修改计划 Amend plan · ${cls.code}`),
      h('a', { href: `#/class/${cls.id}` }, '← 返回 Back'),
    ),
    cls.current.status === 'draft'
      ? h(
          'p',
          { class: 'hint' },
          '草稿尚未报备，直接修改 The draft has not been filed; it is edited in place.',
        )
      : h(
          'p',
          { class: 'warn' },
          `当前第 ${cls.current.version} 版已${cls.current.status === 'confirmed' ? '确认' : '报备'}：修改后生成第 ${cls.current.version + 1} 版草稿，须重新报备并经海事确认${cls.current.status === 'confirmed' ? '，在此之前班级不能开课' : ''}。` +
            ` Amending creates draft v${cls.current.version + 1}, which must be filed and confirmed again${cls.current.status === 'confirmed' ? '; until then the class cannot run' : ''}.`,
        ),
    planEditor({ mode: 'amend', cls }),
  );
}

function planEditor({ mode, cls }) {
  const err = errSlot();
  const form = h('form', { class: 'card plan-editor', novalidate: false });
  const instructors = staffWith('instructor');
  const managers = staffWith('class_manager');
  const cur = cls?.current;

  // --- basics
  const theory = ctx.items.filter((i) => i.kind === 'theory');
  const itemSel = h(
    'select',
    { name: 'trainingItemId', required: true, disabled: mode === 'amend' },
    (mode === 'amend' ? ctx.items.filter((i) => i.id === cls.trainingItemId) : theory).map((i) =>
      h(
        'option',
        { value: i.id },
        `${i.code} ${i.nameZh}（大纲 ${i.syllabusHours} 学时 h，核定 ${i.licensedScale} 人）`,
      ),
    ),
  );
  if (mode === 'amend') itemSel.value = cls.trainingItemId;
  const item = () => ctx.items.find((i) => i.id === itemSel.value);
  const code = h('input', {
    name: 'code',
    required: true,
    pattern: '[A-Za-z0-9._\\-]{1,40}',
    maxlength: '40',
    placeholder: '如 e.g. Z01-2026-12',
    value: cls?.code ?? '',
    disabled: mode === 'amend',
  });
  const name = h('input', {
    name: 'name',
    required: true,
    maxlength: '200',
    placeholder: '如 e.g. 基本安全理论 12 月班',
    value: cls?.name ?? '',
    disabled: mode === 'amend',
  });
  const scale = h('input', {
    name: 'scale',
    type: 'number',
    min: '1',
    required: true,
    inputmode: 'numeric',
    value: String(cur?.scale ?? 30),
  });
  const scaleHint = h('span', { class: 'hint' });
  const practicalCount = ctx.items.length - theory.length;

  // --- managers
  const mgrRows = managers.map((s) => {
    const existing = cur?.managers.find((m) => m.accountId === s.accountId);
    const check = h('input', {
      type: 'checkbox',
      checked: existing ? true : !cur && s.accountId === ctx.me.accountId,
    });
    const duties = h('input', {
      maxlength: '500',
      placeholder: '职责 Duties',
      value: existing?.duties ?? '班级管理、考勤与学员联络 Class management, attendance, trainee contact',
    });
    const sync = () => (duties.disabled = !check.checked);
    check.addEventListener('change', sync);
    sync();
    return { s, check, duties };
  });

  // --- sessions
  const tbody = h('tbody', {});
  const rows = [];
  const instrOption = (s) =>
    h(
      'option',
      { value: s.accountId },
      `${s.displayName}（${yearsText(s)}${s.meetsTeachingStandard ? '' : ' ⚠'}）`,
    );
  function addRow(init) {
    const prev = rows.at(-1);
    const first = chinaToday();
    const v = init ?? {
      date: prev ? addDays(prev.date.value || first, 1) : addDays(first, 10),
      start: prev?.start.value || '08:30',
      end: prev?.end.value || '12:30',
      topic: '',
      instructorAccountId:
        prev?.instr.value ||
        instructors.find((s) => s.meetsTeachingStandard)?.accountId ||
        instructors[0]?.accountId ||
        '',
    };
    const r = {
      date: h('input', { type: 'date', required: true, value: v.date }),
      start: h('input', { type: 'time', required: true, value: v.start, step: '60' }),
      end: h('input', { type: 'time', required: true, value: v.end, step: '60' }),
      topic: h('input', { required: true, maxlength: '200', value: v.topic, placeholder: '教学内容 Topic' }),
      instr: h(
        'select',
        { required: true },
        h('option', { value: '' }, '— 选择 Choose —'),
        instructors.map(instrOption),
      ),
      hours: h('td', { class: 'num' }),
      no: h('td', { class: 'num' }),
    };
    r.instr.value = v.instructorAccountId;
    const del = h(
      'button',
      {
        type: 'button',
        class: 'icon danger',
        title: '删除此行 Remove row',
        'aria-label': '删除此行 Remove row',
      },
      '✕',
    );
    r.tr = h(
      'tr',
      {},
      r.no,
      h('td', {}, r.date),
      h('td', {}, r.start),
      h('td', {}, r.end),
      h('td', {}, r.topic),
      h('td', {}, r.instr),
      r.hours,
      h('td', {}, del),
    );
    del.addEventListener('click', () => {
      if (rows.length <= 1) return;
      rows.splice(rows.indexOf(r), 1);
      r.tr.remove();
      update();
    });
    rows.push(r);
    tbody.append(r.tr);
    update();
  }

  // --- instructor overrides (JS-9)
  const overrideBox = h('div', {});
  const reasons = new Map((cur?.instructorOverrides ?? []).map((o) => [o.accountId, o.reason]));
  function renderOverrides() {
    const chosen = [...new Set(rows.map((r) => r.instr.value).filter(Boolean))];
    const weak = chosen
      .map((id) => instructors.find((s) => s.accountId === id))
      .filter((s) => s && !s.meetsTeachingStandard);
    const have = new Set([...overrideBox.querySelectorAll('textarea')].map((t) => t.dataset.id));
    if (weak.length === have.size && weak.every((s) => have.has(s.accountId))) return;
    overrideBox.replaceChildren(
      ...weak.map((s) => {
        const ta = h('textarea', {
          rows: '2',
          minlength: '10',
          maxlength: '2000',
          required: true,
          dataset: { id: s.accountId },
          placeholder: '说明特批理由（至少 10 个字）Reason for the override (10+ characters)',
          value: reasons.get(s.accountId) ?? '',
        });
        ta.addEventListener('input', () => reasons.set(s.accountId, ta.value));
        return h(
          'div',
          { class: 'warn' },
          h('strong', {}, `⚠ ${s.displayName}：${yearsText(s)}`),
          h(
            'p',
            {},
            '从事船员培训教学不满 3 年，须填写特批理由（将被审计并报海事审核）。 Under 3 years of seafarer-training teaching: an override with a reason is required (audited and shown to the authority).',
          ),
          h('label', {}, '特批理由 Override reason', ta),
        );
      }),
    );
  }

  // --- totals
  const totalBox = h('p', { class: 'total' });
  const deadlineBox = h('p', { class: 'hint' });
  function update() {
    let minutes = 0;
    rows.forEach((r, i) => {
      r.no.textContent = String(i + 1);
      const m = minutesOf(r.start.value, r.end.value);
      r.hours.textContent = m > 0 ? fmtHours(m / 60) : '—';
      r.hours.classList.toggle('bad', !(m > 0));
      if (m > 0) minutes += m;
    });
    const it = item();
    const need = it ? Math.round(it.syllabusHours * 60) : 0;
    const ok = minutes >= need;
    totalBox.replaceChildren(
      `已排 Scheduled ${fmtHours(minutes / 60)} 学时 h / 大纲 Syllabus ${it ? fmtHours(it.syllabusHours) : '—'} 学时 h `,
      h(
        'span',
        { class: `badge ${ok ? 'st-confirmed' : 'st-rejected'}` },
        ok ? '✓ 满足 Covered' : `✗ 还差 Short by ${fmtHours((need - minutes) / 60)} h`,
      ),
    );
    if (it) {
      scale.max = String(it.licensedScale);
      scaleHint.textContent = `核定规模不超过 ${it.licensedScale} 人 Licensed scale ≤ ${it.licensedScale}`;
    }
    const dates = rows
      .map((r) => r.date.value)
      .filter(Boolean)
      .sort();
    if (dates[0]) {
      const last = addDays(dates[0], -3);
      const left = daysBetween(chinaToday(), last);
      deadlineBox.replaceChildren(
        `首次课次 First session ${dates[0]}；须在 ${last}（含）前报备 must be filed by ${last} (China time) — `,
        left >= 0
          ? h('span', {}, `还剩 ${left} 天 ${left} day(s) left`)
          : h(
              'strong',
              { class: 'error' },
              '已来不及按期报备，请调整日期 Too late to file on time; move the dates',
            ),
      );
    }
    renderOverrides();
  }
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  itemSel.addEventListener('change', update);

  const contentNote = h('textarea', {
    rows: '3',
    maxlength: '5000',
    placeholder: '可选 Optional',
    value: cur?.contentNote ?? '',
  });
  const submit = h(
    'button',
    { type: 'submit' },
    mode === 'create' ? '创建班级 Create class' : '保存计划 Save plan',
  );

  form.append(
    h('h3', {}, '基本信息 Basics'),
    h(
      'div',
      { class: 'grid2' },
      h(
        'label',
        {},
        '培训项目 Training item',
        itemSel,
        practicalCount && mode === 'create'
          ? h(
              'span',
              { class: 'hint' },
              '实操类项目不得线上开展，已隐藏 Practical items cannot be taught online and are hidden',
            )
          : null,
      ),
      h('label', {}, '规模（人）Scale', scale, scaleHint),
      h('label', {}, '班级编号 Class code', code),
      h('label', {}, '班级名称 Class name', name),
    ),
    h('h3', {}, '班主任 Class managers'),
    managers.length
      ? h(
          'div',
          { class: 'mgr-list' },
          mgrRows.map((m) =>
            h(
              'div',
              { class: 'mgr' },
              h('label', { class: 'inline' }, m.check, ` ${m.s.displayName}`),
              m.duties,
            ),
          ),
        )
      : h('p', { class: 'error' }, '本机构没有班主任账户 No class-manager accounts in this institution'),
    h('h3', {}, '课表 Timetable'),
    h(
      'p',
      { class: 'hint' },
      '北京时间；同一天课次不得重叠；1 学时 = 60 分钟 China time; sessions on a day must not overlap; 1 period = 60 minutes.',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'editor' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['#', '日期 Date', '开始 Start', '结束 End', '内容 Topic', '教员 Instructor', '学时 h', ''].map(
              (t) => h('th', {}, t),
            ),
          ),
        ),
        tbody,
      ),
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => addRow() }, '＋ 添加课次 Add session'),
    totalBox,
    deadlineBox,
    overrideBox,
    h('label', {}, '教学内容说明 Content note', contentNote),
    err,
    h('div', { class: 'actions' }, submit, h('a', { href: cls ? `#/class/${cls.id}` : '#/' }, '取消 Cancel')),
  );

  if (cur)
    for (const s of cur.sessions)
      addRow({
        date: s.date,
        start: s.start,
        end: s.end,
        topic: s.topic,
        instructorAccountId: s.instructorAccountId,
      });
  else addRow();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(err, null);
    rows.forEach((r) => r.tr.classList.remove('bad-row'));
    if (!form.reportValidity()) return;
    const chosenMgrs = mgrRows.filter((m) => m.check.checked);
    if (chosenMgrs.length === 0)
      return showError(err, { message: '请至少选择一名班主任 Choose at least one class manager' });
    if (chosenMgrs.some((m) => !m.duties.value.trim()))
      return showError(err, { message: '请填写班主任职责 Enter each manager’s duties' });
    const overrides = [...overrideBox.querySelectorAll('textarea')].map((t) => ({
      accountId: t.dataset.id,
      reason: t.value.trim(),
    }));
    if (overrides.some((o) => o.reason.length < 10))
      return showError(err, {
        message: '特批理由至少 10 个字 An override reason needs at least 10 characters',
      });
    const plan = {
      scale: Number(scale.value),
      sessions: rows.map((r) => ({
        date: r.date.value,
        start: r.start.value.slice(0, 5),
        end: r.end.value.slice(0, 5),
        topic: r.topic.value.trim(),
        instructorAccountId: r.instr.value,
      })),
      managers: chosenMgrs.map((m) => ({ accountId: m.s.accountId, duties: m.duties.value.trim() })),
      ...(contentNote.value.trim() ? { contentNote: contentNote.value.trim() } : {}),
      ...(overrides.length ? { instructorOverrides: overrides } : {}),
    };
    submit.disabled = true;
    try {
      const saved =
        mode === 'create'
          ? await call('POST', `/institutions/${ctx.me.institutionId}/classes`, {
              trainingItemId: itemSel.value,
              code: code.value.trim(),
              name: name.value.trim(),
              plan,
            })
          : await call('PUT', `/classes/${cls.id}/plan`, plan);
      location.hash = `#/class/${saved.id}`;
    } catch (ex) {
      showError(err, ex);
      for (const p of ex?.data?.details?.problems ?? [])
        if (Number.isInteger(p.index)) rows[p.index]?.tr.classList.add('bad-row');
      err.scrollIntoView({ block: 'center', behavior: 'smooth' });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---------- class detail ----------

async function classView(classId, tab, seq) {
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let cls;
  try {
    cls = await call('GET', `/classes/${classId}`);
  } catch (err) {
    view.replaceChildren(h('a', { href: '#/' }, '← 班级列表 Classes'));
    const e = errSlot();
    view.append(e);
    showError(e, err);
    return;
  }
  if (stale(seq)) return;
  let chatTimer = null;
  const t = tabs(
    [
      { id: 'plan', label: '计划与备案 Plan', render: (p) => planTab(p, cls, seq) },
      { id: 'roster', label: '名册 Roster', render: (p) => rosterTab(p, cls, seq) },
      {
        id: 'identity',
        label: '身份核验 Identity',
        render: (p) => renderVerifications(p, cls.id, { canDecide: true }),
      },
      {
        id: 'chat',
        label: '班级群 Group chat',
        render: (p) => {
          chatTimer = chatTab(p, cls);
        },
      },
    ],
    {
      onChange: (id) => {
        if (id !== 'chat' && chatTimer) {
          clearInterval(chatTimer);
          chatTimer = null;
        }
        history.replaceState(null, '', `#/class/${cls.id}/${id}`);
      },
    },
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
          ` v${cls.current.version} · ${cls.trainingItemCode} ${cls.trainingItemNameZh}`,
        ),
      ),
      h('a', { href: '#/' }, '← 班级列表 Classes'),
    ),
    t.el,
  );
  t.select(['plan', 'roster', 'identity', 'chat'].includes(tab) ? tab : 'plan');
}

async function planTab(panel, cls, seq) {
  const v = cls.current;
  const err = errSlot();
  const refresh = () => classView(cls.id, 'plan', ++routeSeq);

  const last = addDays(v.firstSessionDate, -3);
  const left = daysBetween(chinaToday(), last);
  const rule = h(
    'div',
    { class: left >= 0 ? 'info' : 'warn' },
    h('strong', {}, '报备规则 Filing rule：'),
    '开班计划须在首次课次日期前至少 3 个日历日（北京时间）向海事管理机构报备，经确认后方可开课。 The plan must be filed with the maritime authority at least 3 calendar days (China time) before the first session, and confirmed before the class can run.',
    h('br'),
    `首次课次 First session ${v.firstSessionDate} → 最迟报备 last filing date ${last}。`,
    left >= 0
      ? ` 还剩 ${left} 天 ${left} day(s) left.`
      : h('strong', {}, ' 已超过报备期限，请修改课表日期 The deadline has passed; amend the dates.'),
  );

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
          await call('POST', `/classes/${cls.id}/plan/file`);
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
  );
  actions.append(
    actionButton(
      '下载备案材料 Filing package (XLSX)',
      () => download(`/classes/${cls.id}/filing-package?format=xlsx`, `${cls.code}-filing.xlsx`),
      { errEl: err, cls: 'secondary' },
    ),
    actionButton(
      'JSON',
      () => download(`/classes/${cls.id}/filing-package?format=json`, `${cls.code}-filing.json`),
      { errEl: err, cls: 'secondary' },
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

  panel.replaceChildren(
    section('备案 Filing', stateNote, rule, actions, err),
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

// ---------- roster ----------

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
function spreadsheetType(file) {
  const n = file.name.toLowerCase();
  if (n.endsWith('.csv')) return 'text/csv';
  if (n.endsWith('.xlsx')) return XLSX;
  return file.type || 'application/octet-stream';
}

async function rosterTab(panel, cls, seq) {
  const importErr = errSlot();
  const importResult = h('div', {});
  const fileInput = h('input', { type: 'file', accept: '.xlsx,.csv,text/csv,' + XLSX });
  const listBox = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const fileErr = errSlot();
  const issueErr = errSlot();
  const rosterTitle = h('h3', {}, `学员名册 Roster（${cls.rosterCount}）`);
  const rosterFiled = h('p', {});
  const showFiled = () =>
    rosterFiled.replaceChildren(
      cls.rosterFiledAt
        ? h('span', { class: 'ok-note' }, `名册已于 ${fmtDateTime(cls.rosterFiledAt)} 报备 Roster filed.`)
        : h(
            'span',
            { class: 'hint' },
            '学员名册须在首次课次开始前报备 The roster must be filed before the first session starts.',
          ),
    );
  showFiled();
  const reloadClass = async () => {
    cls = await call('GET', `/classes/${cls.id}`);
    rosterTitle.textContent = `学员名册 Roster（${cls.rosterCount}）`;
    showFiled();
    await loadRoster();
  };

  const importBtn = h('button', { type: 'button' }, '导入名册 Import roster');
  importBtn.addEventListener('click', async () => {
    showError(importErr, null);
    importResult.replaceChildren();
    const f = fileInput.files?.[0];
    if (!f) return showError(importErr, { message: '请选择 XLSX 或 CSV 文件 Choose an XLSX or CSV file' });
    importBtn.disabled = true;
    try {
      const r = await request('POST', `/classes/${cls.id}/roster/import`, {
        body: f,
        contentType: spreadsheetType(f),
      });
      importResult.replaceChildren(
        h(
          'p',
          { class: 'ok-note' },
          `已导入 ${r.imported} 条，名册共 ${r.total} 人 Imported ${r.imported}; ${r.total} on the roster.`,
        ),
      );
      fileInput.value = '';
      await reloadClass();
    } catch (e) {
      showError(importErr, e);
      const rowErrors = e?.data?.details?.errors;
      if (Array.isArray(rowErrors) && rowErrors.length)
        importResult.replaceChildren(rowErrorTable(rowErrors));
    } finally {
      importBtn.disabled = false;
    }
  });

  panel.replaceChildren(
    section(
      '导入名册 Import roster',
      h(
        'p',
        { class: 'hint' },
        '按模板填写（XLSX 或 CSV）。有任何错误时不会导入任何记录，请按逐行错误修改后重新导入。 Fill in the template (XLSX or CSV). If any row has an error nothing is imported; fix the rows listed and import again.',
      ),
      h(
        'div',
        { class: 'actions' },
        actionButton(
          '下载名册模板 Download template',
          () => download('/roster-template.xlsx', 'roster-template.xlsx'),
          { errEl: importErr, cls: 'secondary' },
        ),
      ),
      h('div', { class: 'file-row' }, fileInput, importBtn),
      importErr,
      importResult,
    ),
    h(
      'section',
      { class: 'card' },
      rosterTitle,
      h('p', { class: 'hint' }, '证件号与手机号已脱敏 ID numbers and phones are masked.'),
      listBox,
    ),
    section(
      '名册报备与学员账户 Filing & trainee accounts',
      rosterFiled,
      h(
        'div',
        { class: 'actions' },
        actionButton(
          '报备名册 File roster',
          async () => {
            if (!confirm('向海事管理机构报备学员名册？ File the roster with the maritime authority?')) return;
            await call('POST', `/classes/${cls.id}/roster/file`);
            await reloadClass();
          },
          { errEl: fileErr },
        ),
        actionButton(
          '发放学员账户 Issue trainee accounts',
          async () => {
            if (
              !confirm(
                '为名册中尚无账户的学员生成账户和一次性密码？密码只显示一次。 Create accounts with one-time passwords for trainees without one? The passwords are shown only once.',
              )
            )
              return;
            const r = await call('POST', `/classes/${cls.id}/accounts/issue`);
            showSlips(cls, r);
            loadRoster();
          },
          { errEl: issueErr, cls: 'secondary' },
        ),
      ),
      fileErr,
      issueErr,
    ),
  );

  async function loadRoster() {
    let items;
    try {
      items = (await call('GET', `/classes/${cls.id}/roster`)).items;
    } catch (e) {
      showError(listBox, e);
      return;
    }
    if (stale(seq)) return;
    listBox.replaceChildren(rosterTable(items, { withAccount: true, photoCell: idPhotoCell }));
  }
  loadRoster();
}

/** The ID-photo cell with its upload control. */
function idPhotoCell(r) {
  const photoCell = h('td', {});
  const renderPhoto = (has) => {
    const input = h('input', {
      type: 'file',
      accept: 'image/jpeg,image/png',
      class: 'visually-hidden',
      id: `photo-${r.id}`,
    });
    const status = h('span', {}, has ? '✓ 已上传 Uploaded ' : '✗ 未上传 None ');
    const label = h(
      'label',
      { for: `photo-${r.id}`, class: 'button small secondary' },
      has ? '更换 Replace' : '上传 Upload',
    );
    const err = h('div', { hidden: true });
    input.addEventListener('change', async () => {
      const f = input.files?.[0];
      if (!f) return;
      showError(err, null);
      const type = f.type === 'image/png' || /\.png$/i.test(f.name) ? 'image/png' : 'image/jpeg';
      status.textContent = '上传中… Uploading… ';
      try {
        await request('PUT', `/roster-entries/${r.id}/id-photo`, { body: f, contentType: type });
        renderPhoto(true);
      } catch (e) {
        status.textContent = has ? '✓ ' : '✗ ';
        showError(err, e);
      }
    });
    photoCell.replaceChildren(status, label, input, err);
  };
  renderPhoto(r.hasIdPhoto);
  return photoCell;
}

function rowErrorTable(errors) {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return h(
    'div',
    {},
    h(
      'h4',
      { class: 'error' },
      `共 ${errors.length} 处错误，未导入任何记录 ${errors.length} error(s); nothing was imported`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'errors' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['行 Row', '字段 Field', '问题 Problem', '代码 Code'].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          sorted.map((e) =>
            h(
              'tr',
              {},
              h(
                'td',
                { class: 'nowrap' },
                e.row === 0 ? '整个文件 Whole file' : `第 ${e.row} 行 Row ${e.row}`,
              ),
              h('td', {}, e.field ?? ''),
              h('td', {}, e.zh ?? '', h('br'), h('span', { class: 'muted' }, e.en ?? '')),
              h('td', { class: 'muted' }, e.code ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------- account slips ----------

const csvCell = (v) => {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // keep spreadsheet formulas out
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function showSlips(cls, result) {
  const box = document.getElementById('slips');
  const issued = result.issued ?? [];
  const close = () => {
    if (
      issued.length &&
      !confirm(
        '关闭后无法再次查看这些密码。已打印或下载了吗？ The passwords cannot be shown again after closing. Printed or downloaded them?',
      )
    )
      return;
    box.hidden = true;
    box.replaceChildren();
    document.body.classList.remove('has-overlay');
  };
  const csv = () => {
    const lines = [
      ['班级 Class', '姓名 Name', '证件号 ID (masked)', '用户名 Username', '一次性密码 One-time password'],
      ...issued.map((s) => [
        `${cls.code} ${cls.name}`,
        s.name,
        s.idNumberMasked,
        s.username,
        s.oneTimePassword,
      ]),
    ].map((r) => r.map(csvCell).join(','));
    saveBlob(
      new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }),
      `${cls.code}-accounts.csv`,
    );
  };
  box.replaceChildren(
    h(
      'div',
      { class: 'overlay-inner' },
      h(
        'div',
        { class: 'no-print' },
        h('h2', {}, '学员账户 Trainee accounts'),
        h(
          'p',
          { class: 'warn' },
          h(
            'strong',
            {},
            '⚠ 一次性密码只显示这一次，请立即打印或下载并妥善分发。 The one-time passwords are shown only this once: print or download them now and hand them out safely.',
          ),
        ),
        result.notice ? h('p', { class: 'hint' }, `${result.notice.zh} · ${result.notice.en}`) : null,
        h(
          'p',
          {},
          `本次发放 ${issued.length} 个；已有账户 ${result.alreadyHadAccount ?? 0} 人 Issued ${issued.length}; ${result.alreadyHadAccount ?? 0} already had an account.`,
        ),
        h(
          'div',
          { class: 'actions' },
          issued.length
            ? h('button', { type: 'button', onclick: () => window.print() }, '打印账户条 Print slips')
            : null,
          issued.length
            ? h('button', { type: 'button', class: 'secondary', onclick: csv }, '下载 CSV Download CSV')
            : null,
          h('button', { type: 'button', class: 'secondary', onclick: close }, '关闭 Close'),
        ),
      ),
      h(
        'div',
        { class: 'slips' },
        issued.map((s) =>
          h(
            'div',
            { class: 'slip' },
            h('div', { class: 'slip-title' }, '船员线上培训平台 学员账户 · Trainee account'),
            h(
              'dl',
              {},
              h('dt', {}, '班级 Class'),
              h('dd', {}, `${cls.code} ${cls.name}`),
              h('dt', {}, '姓名 Name'),
              h('dd', {}, `${s.name}（${s.idNumberMasked}）`),
              h('dt', {}, '用户名 Username'),
              h('dd', { class: 'mono' }, s.username),
              h('dt', {}, '一次性密码 One-time password'),
              h('dd', { class: 'mono big' }, s.oneTimePassword),
            ),
            h('div', { class: 'slip-foot' }, '首次登录须修改密码 Change your password at first sign-in'),
          ),
        ),
      ),
    ),
  );
  box.hidden = false;
  document.body.classList.add('has-overlay');
}

// ---------- group chat ----------

function chatTab(panel, cls) {
  const list = h('div', { class: 'chat-list', 'aria-live': 'polite' });
  const err = errSlot();
  const input = h('textarea', {
    rows: '2',
    maxlength: '4000',
    required: true,
    placeholder: '输入消息 Type a message',
  });
  const send = h('button', { type: 'submit' }, '发送 Send');
  const form = h('form', { class: 'chat-form' }, input, send);
  let lastKey = '';
  async function load() {
    try {
      const items = (await call('GET', `/classes/${cls.id}/messages`)).items;
      showError(err, null);
      const key = items.length + (items.at(-1)?.createdAt ?? '') + (items[0]?.createdAt ?? '');
      if (key === lastKey) return;
      lastKey = key;
      const sorted = [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      list.replaceChildren(
        ...(sorted.length
          ? sorted.map((m) =>
              h(
                'div',
                { class: `msg${m.authorAccountId === ctx.me.accountId ? ' mine' : ''}` },
                h(
                  'div',
                  { class: 'msg-meta' },
                  h('strong', {}, m.authorName),
                  ` ${(m.authorRoles ?? []).map((r) => roleShort[r] ?? r).join('/')} · ${fmtDateTime(m.createdAt)}`,
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
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    send.disabled = true;
    try {
      await call('POST', `/classes/${cls.id}/messages`, { body });
      input.value = '';
      await load();
    } catch (ex) {
      showError(err, ex);
    } finally {
      send.disabled = false;
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  panel.replaceChildren(
    section(
      '班级群 Class group',
      h('p', { class: 'hint' }, '每 10 秒刷新 Refreshes every 10 s · Ctrl+Enter 发送 to send'),
      list,
      err,
      form,
    ),
  );
  load();
  const id = setInterval(load, 10_000);
  timers.push(id);
  return id;
}
const roleShort = {
  class_manager: '班主任',
  institution_admin: '机构管理员',
  instructor: '教员',
  trainee: '学员',
  maritime_officer: '海事',
  platform_admin: '平台',
};

start();
