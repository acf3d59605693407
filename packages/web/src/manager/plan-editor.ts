// The plan editor (create and amend). The as-you-type figures — hours against the syllabus, the last
// filing date — come from core's filing rules (the same functions the API applies), never a copy.
import type { ClassView, PlanBody, StaffView } from '@seafarer/contracts';
import {
  PLAN_FILING_MIN_DAYS,
  checkHoursCoverSyllabus,
  checkPlanFilingDeadline,
  isCalendarDate,
  latestPlanFilingDate,
  scheduledMinutes,
  type PlanSession,
} from '@seafarer/core/filing';
import { ApiError, api } from '../shared/api';
import { errSlot, h } from '../shared/dom';
import { inputError, showError } from '../shared/errors';
import { addDays, chinaToday, fmtHours } from '../shared/format';
import type { ManagerContext } from './main';

const yearsText = (s: StaffView): string =>
  s.teachingYears === null || s.teachingYears === undefined
    ? '教龄未登记 years not recorded'
    : `教龄 ${s.teachingYears} 年 ${s.teachingYears} yrs`;

/** Minutes of one session, or null when its times are not a valid span (core's own check). */
function minutesOf(s: PlanSession): number | null {
  try {
    return scheduledMinutes([s]);
  } catch {
    return null;
  }
}

interface Row {
  date: HTMLInputElement;
  start: HTMLInputElement;
  end: HTMLInputElement;
  topic: HTMLInputElement;
  instr: HTMLSelectElement;
  hours: HTMLTableCellElement;
  no: HTMLTableCellElement;
  tr: HTMLTableRowElement;
}

const sessionOf = (r: Row): PlanSession => ({
  date: r.date.value,
  start: r.start.value.slice(0, 5),
  end: r.end.value.slice(0, 5),
  topic: r.topic.value.trim(),
  instructorAccountId: r.instr.value,
});

export function planEditor(
  ctx: ManagerContext,
  { mode, cls }: { mode: 'create' | 'amend'; cls?: ClassView },
): HTMLFormElement {
  const err = errSlot();
  const form = h('form', { class: 'card plan-editor' });
  const staffWith = (role: StaffView['roles'][number]) =>
    ctx.staff.filter((s) => s.roles.includes(role) && s.status !== 'disabled');
  const instructors = staffWith('instructor');
  const managers = staffWith('class_manager');
  const cur = cls?.current;

  // --- basics
  const theory = ctx.items.filter((i) => i.kind === 'theory');
  const itemSel = h(
    'select',
    { name: 'trainingItemId', required: true, disabled: mode === 'amend' },
    (cls ? ctx.items.filter((i) => i.id === cls.trainingItemId) : theory).map((i) =>
      h(
        'option',
        { value: i.id },
        `${i.code} ${i.nameZh}（大纲 ${i.syllabusHours} 学时 h，核定 ${i.licensedScale} 人）`,
      ),
    ),
  );
  if (cls) itemSel.value = cls.trainingItemId;
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
  let scaleEdited = false;
  scale.addEventListener('input', () => (scaleEdited = true));
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
  const rows: Row[] = [];
  const instrOption = (s: StaffView) =>
    h(
      'option',
      { value: s.accountId },
      `${s.displayName}（${yearsText(s)}${s.meetsTeachingStandard ? '' : ' ⚠'}）`,
    );
  function addRow(init?: PlanSession): void {
    const prev = rows.at(-1);
    const first = chinaToday();
    const v: PlanSession = init ?? {
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
    const r: Row = {
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
      tr: h('tr', {}),
    };
    r.instr.value = v.instructorAccountId;
    r.tr.append(
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
  function renderOverrides(): void {
    const chosen = [...new Set(rows.map((r) => r.instr.value).filter(Boolean))];
    const weak = chosen
      .map((id) => instructors.find((s) => s.accountId === id))
      .filter((s): s is StaffView => !!s && !s.meetsTeachingStandard);
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

  // --- totals (core's JS-10 and JS-11.1 functions)
  const totalBox = h('p', { class: 'total', 'data-testid': 'editor-hours' });
  const deadlineBox = h('p', { class: 'hint', 'data-testid': 'editor-deadline' });
  function update(): void {
    const valid: PlanSession[] = [];
    rows.forEach((r, i) => {
      r.no.textContent = String(i + 1);
      const s = sessionOf(r);
      const m = minutesOf(s);
      r.hours.textContent = m ? fmtHours(m / 60) : '—';
      r.hours.classList.toggle('bad', !m);
      if (m) valid.push(s);
    });
    const it = item();
    if (it) {
      const cover = checkHoursCoverSyllabus(valid, it.syllabusHours);
      totalBox.replaceChildren(
        `已排 Scheduled ${fmtHours(cover.plannedHours)} 学时 h / 大纲 Syllabus ${fmtHours(it.syllabusHours)} 学时 h `,
        h(
          'span',
          { class: `badge ${cover.ok ? 'st-confirmed' : 'st-rejected'}` },
          cover.ok ? '✓ 满足 Covered' : `✗ 还差 Short by ${fmtHours(cover.shortByMinutes / 60)} h`,
        ),
        ...(cover.ok
          ? []
          : [
              h(
                'span',
                { class: 'hint' },
                ' 可先保存草稿，报备前补足 The draft can be saved; cover the syllabus before filing',
              ),
            ]),
      );
      scale.max = String(it.licensedScale);
      // A new class starts at the licensed scale when that is below the usual 30.
      if (!cur && !scaleEdited && Number(scale.value) > it.licensedScale)
        scale.value = String(it.licensedScale);
      scaleHint.textContent = `核定规模不超过 ${it.licensedScale} 人 Licensed scale ≤ ${it.licensedScale}`;
    }
    const dates = valid
      .map((s) => s.date)
      .filter(isCalendarDate)
      .sort();
    const first = dates[0];
    if (first) {
      const last = latestPlanFilingDate(first);
      const check = checkPlanFilingDeadline(new Date(), first);
      const left = check.daysAhead - PLAN_FILING_MIN_DAYS;
      deadlineBox.replaceChildren(
        `首次课次 First session ${first}；须在 ${last}（含）前报备 must be filed by ${last} (China time) — `,
        check.ok
          ? h('span', {}, `还剩 ${left} 天 ${left} day(s) left`)
          : h(
              'strong',
              { class: 'error' },
              '已来不及按期报备，请调整日期 Too late to file on time; move the dates',
            ),
      );
    } else deadlineBox.replaceChildren();
    renderOverrides();
  }
  form.addEventListener('input', update);
  form.addEventListener('change', update);

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

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(err, null);
    rows.forEach((r) => r.tr.classList.remove('bad-row'));
    if (!form.reportValidity()) return;
    const chosenMgrs = mgrRows.filter((m) => m.check.checked);
    if (chosenMgrs.length === 0)
      return showError(err, inputError('请至少选择一名班主任', 'Choose at least one class manager'));
    if (chosenMgrs.some((m) => !m.duties.value.trim()))
      return showError(err, inputError('请填写班主任职责', 'Enter each manager’s duties'));
    const overrides = [...overrideBox.querySelectorAll('textarea')].map((t) => ({
      accountId: t.dataset.id ?? '',
      reason: t.value.trim(),
    }));
    if (overrides.some((o) => o.reason.length < 10))
      return showError(
        err,
        inputError('特批理由至少 10 个字', 'An override reason needs at least 10 characters'),
      );
    const plan: PlanBody = {
      scale: Number(scale.value),
      sessions: rows.map(sessionOf),
      managers: chosenMgrs.map((m) => ({ accountId: m.s.accountId, duties: m.duties.value.trim() })),
      ...(contentNote.value.trim() ? { contentNote: contentNote.value.trim() } : {}),
      ...(overrides.length ? { instructorOverrides: overrides } : {}),
    };
    submit.disabled = true;
    void (async () => {
      try {
        const saved =
          mode === 'create' || !cls
            ? await api.institution.createClass(ctx.me.institutionId ?? '', {
                trainingItemId: itemSel.value,
                code: code.value.trim(),
                name: name.value.trim(),
                plan,
              })
            : await api.classes.savePlan(cls.id, plan);
        location.hash = `#/class/${saved.id}`;
      } catch (ex) {
        showError(err, ex);
        const problems =
          ex instanceof ApiError
            ? (ex.body.details as { problems?: Array<{ index?: number | null }> } | undefined)?.problems
            : undefined;
        for (const p of problems ?? [])
          if (typeof p.index === 'number') rows[p.index]?.tr.classList.add('bad-row');
        err.scrollIntoView({ block: 'center', behavior: 'smooth' });
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return form;
}
