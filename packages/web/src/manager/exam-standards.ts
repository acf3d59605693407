// JS-7.3 / QM-2 / seed 004 4.4: the exam standards of a training item (#/standards/:itemId): the bank's
// active questions per cell, each standard's versions (status, blueprint, pass mark, marking policy,
// duration, who drafted and who decided), the blueprint editor for a new standard or a new draft
// version (checked against the bank by the API, per cell), and approve / reject for the institution
// admin. The rules are the server's (four eyes, one draft at a time, a short cell): the page shows
// what it answers and refuses.
import {
  FILL_IN_POLICIES,
  FILL_IN_POLICY_LABELS,
  MULTIPLE_CHOICE_POLICIES,
  MULTIPLE_CHOICE_POLICY_LABELS,
  QUESTION_DIFFICULTIES,
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  type Blueprint,
  type BlueprintCell,
  type BlueprintCheckView,
  type ExamStandardListView,
  type ExamStandardVersionBody,
  type ExamStandardVersionView,
  type ExamStandardView,
  type FillInPolicy,
  type MultipleChoicePolicy,
  type QuestionType,
  type TrainingItemView,
} from '@seafarer/contracts';
import { api, type Me } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';

const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;
const VERSION_COLS = ['版本 Version', '组卷规则 Blueprint', '及格与时长 Pass & time', '起草与审批 Decisions'];
const STATUS_CLASS: Record<string, string> = {
  draft: 'st-pending',
  approved: 'st-confirmed',
  superseded: 'st-superseded',
  rejected: 'st-rejected',
};

/** #/standards/:itemId */
export async function examStandardsView(
  view: HTMLElement,
  item: TrainingItemView | undefined,
  itemId: string,
  me: Me,
  isStale: () => boolean,
  notice?: string,
): Promise<void> {
  const rerender = (n?: string) => void examStandardsView(view, item, itemId, me, isStale, n);
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const editorSlot = h('div', {});
  const title = item ? `${item.code} ${item.nameZh} · ${item.nameEn}` : '';
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('div', {}, h('h2', {}, '考试标准 Exam standards'), h('p', { class: 'muted' }, title)),
      h(
        'div',
        { class: 'actions' },
        h('a', { href: `#/questions/${itemId}` }, '题库 Question bank'),
        h('a', { href: '#/questions' }, '← 返回 Back'),
      ),
    ),
    ...(notice ? [h('p', { class: 'ok-note', 'data-testid': 'standards-notice' }, notice)] : []),
    err,
    editorSlot,
    body,
  );
  let list: ExamStandardListView;
  try {
    list = await api.examSetup.standards(itemId);
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
    return;
  }
  if (isStale()) return;
  const isAdmin = me.roles.includes('institution_admin');
  const openEditor = (s?: ExamStandardView) => {
    editorSlot.replaceChildren(
      standardEditor(itemId, list, s, {
        done: (n) => {
          editorSlot.replaceChildren();
          rerender(n);
        },
        cancel: () => editorSlot.replaceChildren(),
      }),
    );
    editorSlot.scrollIntoView({ block: 'start' });
  };
  body.replaceChildren(
    bankSummary(list),
    section(
      '考试标准 Standards',
      h(
        'p',
        { class: 'hint' },
        '班主任起草，机构管理员（非起草人）审批后方可用于考试；审批时按当前题库组卷核验。 A class manager drafts; an institution admin other than the author approves it before any exam can use it; approval checks the blueprint against the bank as it is now.',
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => openEditor() }, '＋ 新建考试标准 New standard'),
      ),
      list.items.length === 0
        ? h('p', { class: 'muted', 'data-testid': 'no-standards' }, '尚无考试标准 No standards yet')
        : list.items.map((s) =>
            standardCard(itemId, s, { isAdmin, me, err, rerender, newVersion: () => openEditor(s) }),
          ),
    ),
  );
}

/** The bank now: active questions per chapter × type × difficulty (the API's counts). */
function bankSummary(list: ExamStandardListView): HTMLElement {
  const total = list.bank.cells.reduce((n, c) => n + c.available, 0);
  return section(
    `题库现状 The bank now（在用 ${total} 题 ${total} active）`,
    list.bank.cells.length === 0
      ? h('p', { class: 'muted' }, '题库中没有在用的题目 The bank has no active questions')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'cards', 'data-testid': 'bank-cells' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['章节 Chapter', '题型 Type', '难度 Difficulty', '在用题数 Active'].map((c) =>
                  h('th', {}, c),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              list.bank.cells.map((c) =>
                h(
                  'tr',
                  {},
                  h('td', { 'data-label': '章节 Chapter' }, c.chapter),
                  h('td', { 'data-label': '题型 Type' }, both(c.typeLabel)),
                  h('td', { 'data-label': '难度 Difficulty' }, String(c.difficulty)),
                  h('td', { 'data-label': '在用题数 Active' }, String(c.available)),
                ),
              ),
            ),
          ),
        ),
  );
}

function standardCard(
  itemId: string,
  s: ExamStandardView,
  o: { isAdmin: boolean; me: Me; err: HTMLElement; rerender: (n?: string) => void; newVersion: () => void },
): HTMLElement {
  const inUse =
    s.currentVersion !== null
      ? `在用第 ${s.currentVersion} 版 In use: v${s.currentVersion}`
      : '尚无批准版本 No approved version yet';
  return h(
    'div',
    { class: 'card', 'data-testid': 'standard-card' },
    h('h4', {}, s.name),
    h(
      'p',
      { class: 'muted' },
      inUse,
      s.draftVersion !== null ? ` · 第 ${s.draftVersion} 版待审批 v${s.draftVersion} awaiting approval` : '',
    ),
    h(
      'div',
      { class: 'actions' },
      s.draftVersion === null
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: o.newVersion },
            '起草新版本 Draft a new version',
          )
        : null,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards', 'data-testid': 'standard-versions' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            VERSION_COLS.map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          s.versions.map((v) => versionRow(itemId, s, v, o)),
        ),
      ),
    ),
  );
}

function versionRow(
  itemId: string,
  s: ExamStandardView,
  v: ExamStandardVersionView,
  o: { isAdmin: boolean; me: Me; err: HTMLElement; rerender: (n?: string) => void },
): HTMLElement {
  const note = h('input', {
    type: 'text',
    maxlength: '2000',
    'aria-label': `审批意见 Decision note v${v.version}`,
    placeholder: '意见（退回时必填） Note (required to reject)',
  });
  const decide = (decision: 'approve' | 'reject') => async () => {
    await api.examSetup.decide(itemId, s.id, {
      version: v.version,
      decision,
      ...(note.value.trim() && { note: note.value.trim() }),
    });
    o.rerender(
      decision === 'approve'
        ? `已批准“${s.name}”第 ${v.version} 版 Version ${v.version} approved`
        : `已退回“${s.name}”第 ${v.version} 版 Version ${v.version} rejected`,
    );
  };
  const canDecide = v.status === 'draft' && o.isAdmin && v.createdBy !== o.me.accountId;
  const td = (i: number, ...c: Parameters<typeof h>[2][]) => h('td', { 'data-label': VERSION_COLS[i] }, ...c);
  return h(
    'tr',
    { 'data-testid': 'standard-version-row' },
    td(
      0,
      h('strong', {}, `第 ${v.version} 版 v${v.version}`),
      h('div', {}, h('span', { class: `badge ${STATUS_CLASS[v.status] ?? ''}` }, both(v.statusLabel))),
    ),
    td(
      1,
      h(
        'div',
        {},
        `共 ${v.questions} 题${v.score !== null ? `，${v.score} 分` : ''} · ${v.questions} questions${v.score !== null ? `, ${v.score} points` : ''}`,
      ),
      h(
        'ul',
        {
          class: 'muted',
          style: 'list-style: none; padding-left: 0; margin: 0.3rem 0; min-width: 16rem',
        },
        v.blueprint.cells.map((c) =>
          h(
            'li',
            {},
            `${c.chapter} · ${QUESTION_TYPE_LABELS[c.type].zh} · 难度 ${c.difficulty} · ${c.count} 题${c.scorePerQuestion !== undefined ? ` × ${c.scorePerQuestion} 分` : ''}`,
          ),
        ),
      ),
    ),
    td(
      2,
      h('div', {}, both(v.passMarkText)),
      h('div', {}, `时长 ${v.durationMinutes} 分钟 · ${v.durationMinutes} min`),
      h('div', { class: 'muted' }, `多选：${v.markingPolicyText.multiple.zh}`),
      h('div', { class: 'muted' }, `填空：${v.markingPolicyText.fillIn.zh}`),
    ),
    td(
      3,
      h('div', {}, `起草 Drafted: ${v.createdByName} · ${v.createdAtText}`),
      v.note ? h('div', { class: 'muted' }, v.note) : null,
      v.decidedByName
        ? h(
            'div',
            {},
            `${v.status === 'rejected' ? '退回 Rejected' : '批准 Approved'}: ${v.decidedByName} · ${v.decidedAtText}`,
          )
        : null,
      v.decisionNote ? h('div', { class: 'muted' }, v.decisionNote) : null,
      h('div', { class: 'hint' }, '北京时间 China time'),
      canDecide
        ? h(
            'div',
            {},
            note,
            h(
              'div',
              { class: 'actions' },
              actionButton('批准 Approve', decide('approve'), { errEl: o.err, cls: 'ok' }),
              actionButton('退回 Reject', decide('reject'), { errEl: o.err, cls: 'danger' }),
            ),
          )
        : v.status === 'draft' && o.isAdmin
          ? h(
              'span',
              { class: 'muted' },
              '本人起草，须由另一位管理员审批 Drafted by you: another admin decides',
            )
          : v.status === 'draft'
            ? h('span', { class: 'muted' }, '待机构管理员审批 Awaiting the institution admin')
            : null,
    ),
  );
}

interface CellRow {
  el: HTMLTableRowElement;
  read(): BlueprintCell;
  show(available: number | null, short: boolean): void;
}

/** The editor of a new standard (s undefined) or of a new draft version of `s`, prefilled from its newest version. */
function standardEditor(
  itemId: string,
  list: ExamStandardListView,
  s: ExamStandardView | undefined,
  on: { done: (notice: string) => void; cancel: () => void },
): HTMLElement {
  const err = errSlot();
  const base = s?.versions[0];
  const chaptersId = `chapters-${Math.random().toString(36).slice(2)}`;
  const name = h('input', {
    type: 'text',
    maxlength: '200',
    'aria-label': '标准名称 Standard name',
    value: s?.name ?? '',
  });
  const rowsBody = h('tbody', {});
  const rows: CellRow[] = [];
  const checkNote = h('div', { 'data-testid': 'blueprint-check' });

  const addRow = (c?: BlueprintCell) => {
    const chapter = h('input', {
      type: 'text',
      maxlength: '100',
      list: chaptersId,
      'aria-label': '章节 Chapter',
      style: 'min-width: 12rem',
      value: c?.chapter ?? list.bank.chapters[0] ?? '',
    });
    const type = h(
      'select',
      { 'aria-label': '题型 Type', value: c?.type ?? 'single' },
      QUESTION_TYPES.map((t) => h('option', { value: t }, both(QUESTION_TYPE_LABELS[t]))),
    );
    const difficulty = h(
      'select',
      { 'aria-label': '难度 Difficulty', value: String(c?.difficulty ?? 2) },
      QUESTION_DIFFICULTIES.map((d) => h('option', { value: String(d) }, String(d))),
    );
    const count = h('input', {
      type: 'number',
      min: '1',
      max: '500',
      step: '1',
      'aria-label': '题数 Count',
      value: String(c?.count ?? 1),
    });
    const score = h('input', {
      type: 'number',
      min: '0',
      step: '0.5',
      'aria-label': '每题分值 Score each',
      value: c?.scorePerQuestion !== undefined ? String(c.scorePerQuestion) : '',
      placeholder: '题目自带 own',
    });
    const available = h('td', { 'data-label': '题库可用 In bank', 'data-testid': 'cell-available' }, '—');
    const el = h(
      'tr',
      { 'data-testid': 'blueprint-row' },
      h('td', { 'data-label': '章节 Chapter' }, chapter),
      h('td', { 'data-label': '题型 Type' }, type),
      h('td', { 'data-label': '难度 Difficulty' }, difficulty),
      h('td', { 'data-label': '题数 Count' }, count),
      h('td', { 'data-label': '每题分值 Score each' }, score),
      available,
      h(
        'td',
        { 'data-label': '' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            onclick: () => {
              const i = rows.indexOf(row);
              if (i >= 0) rows.splice(i, 1);
              el.remove();
            },
          },
          '删除 Remove',
        ),
      ),
    );
    const row: CellRow = {
      el,
      read: () => ({
        chapter: chapter.value.trim(),
        type: type.value as QuestionType,
        difficulty: Number(difficulty.value),
        count: Number(count.value),
        ...(score.value.trim() !== '' && { scorePerQuestion: Number(score.value) }),
      }),
      show: (n, short) => {
        available.textContent = n === null ? '—' : short ? `${n}（不足 short）` : String(n);
        available.className = short ? 'error' : '';
      },
    };
    rows.push(row);
    rowsBody.append(el);
  };
  for (const c of base?.blueprint.cells ?? []) addRow(c);
  if (rows.length === 0) addRow();

  const passKind = h(
    'select',
    { 'aria-label': '及格方式 Pass mark kind', value: base?.passMark.kind ?? 'percent' },
    h('option', { value: 'percent' }, '得分率 % Percent'),
    h('option', { value: 'points' }, '分数 Points'),
  );
  const passValue = h('input', {
    type: 'number',
    min: '0',
    step: '0.5',
    'aria-label': '及格线 Pass mark',
    value: String(base?.passMark.value ?? 60),
  });
  const multiple = h(
    'select',
    {
      'aria-label': '多选题评分 Multiple choice marking',
      value: base?.markingPolicy.multiple ?? 'all_or_nothing',
    },
    MULTIPLE_CHOICE_POLICIES.map((p) => h('option', { value: p }, both(MULTIPLE_CHOICE_POLICY_LABELS[p]))),
  );
  const fillIn = h(
    'select',
    { 'aria-label': '填空题评分 Fill-in marking', value: base?.markingPolicy.fillIn ?? 'per_blank' },
    FILL_IN_POLICIES.map((p) => h('option', { value: p }, both(FILL_IN_POLICY_LABELS[p]))),
  );
  const duration = h('input', {
    type: 'number',
    min: '1',
    max: '600',
    step: '1',
    'aria-label': '考试时长（分钟） Duration (minutes)',
    value: String(base?.durationMinutes ?? 60),
  });
  const note = h('input', { type: 'text', maxlength: '2000', 'aria-label': '说明 Note', value: '' });

  const blueprint = (): Blueprint => ({ cells: rows.map((r) => r.read()) });
  const content = (): ExamStandardVersionBody => ({
    blueprint: blueprint(),
    passMark: { kind: passKind.value as 'points' | 'percent', value: Number(passValue.value) },
    markingPolicy: { multiple: multiple.value as MultipleChoicePolicy, fillIn: fillIn.value as FillInPolicy },
    durationMinutes: Number(duration.value),
    ...(note.value.trim() && { note: note.value.trim() }),
  });
  const showCheck = (r: BlueprintCheckView) => {
    r.cells.forEach((c, i) => rows[i]?.show(c.available, c.short));
    checkNote.replaceChildren(
      r.ok
        ? h(
            'p',
            { class: 'ok-note' },
            `题库可以满足：共 ${r.questions} 题${r.score !== null ? `，${r.score} 分` : ''}。 The bank can meet it: ${r.questions} questions${r.score !== null ? `, ${r.score} points` : ''}.`,
          )
        : h('p', { class: 'warn' }, r.message ? `${r.message.zh} ${r.message.en}` : ''),
    );
  };
  const check = async () => {
    if (rows.length === 0) throw inputError('请至少添加一行组卷规则', 'Add at least one blueprint row');
    showCheck(await api.examSetup.checkBlueprint(itemId, blueprint()));
  };

  return h(
    'section',
    { class: 'card', 'data-testid': 'standard-editor' },
    h(
      'h3',
      {},
      s ? `起草“${s.name}”新版本 New draft version of "${s.name}"` : '新建考试标准 New exam standard',
    ),
    s ? null : h('label', {}, '标准名称 Standard name', name),
    h(
      'datalist',
      { id: chaptersId },
      list.bank.chapters.map((c) => h('option', { value: c })),
    ),
    h('h4', {}, '组卷规则 Blueprint（章节 × 题型 × 难度 chapter × type × difficulty）'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards editor', 'data-testid': 'blueprint-editor' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              '章节 Chapter',
              '题型 Type',
              '难度 Difficulty',
              '题数 Count',
              '每题分值 Score each',
              '题库可用 In bank',
              '',
            ].map((c) => h('th', {}, c)),
          ),
        ),
        rowsBody,
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => addRow() }, '＋ 添加一行 Add row'),
      actionButton('对照题库检查 Check against the bank', check, { errEl: err, cls: 'secondary' }),
    ),
    checkNote,
    h(
      'div',
      { class: 'grid2' },
      h('label', {}, '及格方式 Pass mark kind', passKind),
      h('label', {}, '及格线 Pass mark', passValue),
      h('label', {}, '多选题评分 Multiple choice marking', multiple),
      h('label', {}, '填空题评分 Fill-in marking', fillIn),
      h('label', {}, '考试时长（分钟） Duration (minutes)', duration),
      h('label', {}, '说明 Note', note),
    ),
    err,
    h(
      'div',
      { class: 'actions' },
      actionButton(
        '保存草稿 Save draft',
        async () => {
          if (!s && !name.value.trim()) throw inputError('请填写标准名称', 'Enter the standard’s name');
          const saved = s
            ? await api.examSetup.draftVersion(itemId, s.id, content())
            : await api.examSetup.createStandard(itemId, { name: name.value.trim(), ...content() });
          const v = saved.draftVersion ?? saved.versions[0]?.version ?? 1;
          on.done(
            `已保存“${saved.name}”第 ${v} 版草稿，待机构管理员审批 Draft version ${v} saved; awaiting the institution admin`,
          );
        },
        { errEl: err },
      ),
      h('button', { type: 'button', class: 'secondary', onclick: on.cancel }, '取消 Cancel'),
    ),
  );
}
