// QM-2: the question bank of a training item (#/questions, #/questions/:itemId): the questions with
// filters (chapter, type, difficulty, status), a form per type for a new question or an edit (a new
// version), retire / reactivate, the version history, the XLSX template, import (row errors shown) and
// export. The rules are the server's: the page shows what it refuses.
import {
  OPTION_KEYS,
  QUESTION_DIFFICULTY_LABELS,
  QUESTION_STATUS_LABELS,
  QUESTION_TYPE_LABELS,
  QUESTION_TYPES,
  type QuestionBody,
  type QuestionDetailView,
  type QuestionListView,
  type QuestionType,
  type QuestionVersionView,
  type QuestionView,
  type TrainingItemView,
} from '@seafarer/contracts';
import { ApiError, api, download } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;

/** #/questions: the institution's training items, each opening its bank. */
export function questionItemsView(view: HTMLElement, items: TrainingItemView[]): void {
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '题库 Question banks'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    section(
      '按培训项目 By training item',
      items.length === 0
        ? h('p', { class: 'muted' }, '本机构没有培训项目 No training items')
        : h(
            'ul',
            { class: 'plain' },
            items.map((i) =>
              h(
                'li',
                {},
                h('a', { href: `#/questions/${i.id}` }, `${i.code} ${i.nameZh} · ${i.nameEn}`),
                ' · ',
                h('a', { href: `#/standards/${i.id}` }, '考试标准 Exam standards'),
              ),
            ),
          ),
    ),
  );
}

interface Filters {
  chapter?: string;
  type?: string;
  difficulty?: string;
  status?: string;
}

/** #/questions/:itemId: one item's bank. */
export async function questionBankView(
  view: HTMLElement,
  item: TrainingItemView | undefined,
  itemId: string,
  isStale: () => boolean,
  filters: Filters = { status: 'active' },
  notice?: string,
): Promise<void> {
  const rerender = (f: Filters = filters, n?: string) =>
    void questionBankView(view, item, itemId, isStale, f, n);
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const formSlot = h('div', {});
  const title = item ? `${item.code} ${item.nameZh} · ${item.nameEn}` : '';
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('div', {}, h('h2', {}, '题库 Question bank'), h('p', { class: 'muted' }, title)),
      h(
        'div',
        { class: 'actions' },
        h('a', { href: `#/standards/${itemId}` }, '考试标准 Exam standards'),
        h('a', { href: '#/questions' }, '← 返回 Back'),
      ),
    ),
    err,
    fileTools(itemId, notice, (n) => rerender(filters, n)),
    formSlot,
    body,
  );
  let list: QuestionListView;
  try {
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
    list = await api.questions.list(itemId, query);
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
    return;
  }
  if (isStale()) return;

  const pick = (name: keyof Filters, label: string, options: Array<[string, string]>) =>
    h(
      'label',
      {},
      label,
      h(
        'select',
        {
          'aria-label': label,
          value: filters[name] ?? '',
          onchange: (e: Event) => rerender({ ...filters, [name]: (e.target as HTMLSelectElement).value }),
        },
        h('option', { value: '' }, '全部 All'),
        options.map(([v, t]) => h('option', { value: v }, t)),
      ),
    );
  const openForm = (q?: QuestionDetailView) => {
    formSlot.replaceChildren(
      questionForm(itemId, q, () => {
        formSlot.replaceChildren();
        rerender();
      }),
    );
    formSlot.scrollIntoView({ block: 'start' });
  };
  body.replaceChildren(
    section(
      null,
      h(
        'div',
        { class: 'filters actions', 'data-testid': 'question-filters' },
        pick(
          'chapter',
          '章节 Chapter',
          list.chapters.map((c) => [c, c]),
        ),
        pick(
          'type',
          '题型 Type',
          QUESTION_TYPES.map((t) => [t, both(QUESTION_TYPE_LABELS[t])]),
        ),
        pick(
          'difficulty',
          '难度 Difficulty',
          Object.entries(QUESTION_DIFFICULTY_LABELS).map(([d, l]) => [d, both(l)]),
        ),
        pick(
          'status',
          '状态 Status',
          Object.entries(QUESTION_STATUS_LABELS).map(([s, l]) => [s, both(l)]),
        ),
        h('button', { type: 'button', onclick: () => openForm() }, '＋ 新建题目 New question'),
      ),
      h(
        'p',
        { 'data-testid': 'question-count' },
        `共 ${list.items.length} 题 ${list.items.length} question(s)`,
      ),
      list.items.length === 0
        ? h('p', { class: 'muted' }, '没有符合条件的题目 No questions match')
        : questionTable(itemId, list.items, { edit: openForm, err, rerender: () => rerender() }),
    ),
  );
}

function questionTable(
  itemId: string,
  items: QuestionView[],
  on: { edit: (q: QuestionDetailView) => void; err: HTMLElement; rerender: () => void },
): HTMLElement {
  const cols = [
    '题型 Type',
    '章节 Chapter',
    '题干 Stem',
    '答案 Answer',
    '难度 Difficulty',
    '分值 Score',
    '状态 Status',
    '版本 Version',
    '',
  ];
  const td = (i: number, ...c: Parameters<typeof h>[2][]) => h('td', { 'data-label': cols[i] }, ...c);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards', 'data-testid': 'question-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((q) => {
          const c = q.current;
          const history = h('td', { colspan: String(cols.length), 'data-label': '' });
          const historyRow = h('tr', { hidden: true, 'data-testid': 'question-history-row' }, history);
          const detail = () => api.questions.get(itemId, q.id);
          const row = h(
            'tr',
            { 'data-testid': 'question-row' },
            td(0, both(c.typeLabel)),
            td(1, c.chapter, c.knowledgePoint ? h('div', { class: 'muted' }, c.knowledgePoint) : null),
            td(
              2,
              c.stem,
              c.options.length > 0
                ? h(
                    'ul',
                    { class: 'options', style: 'list-style: none; padding-left: 0; margin: 0.3rem 0' },
                    c.options.map((o) => h('li', {}, `${o.key}. ${o.text}`)),
                  )
                : null,
            ),
            td(3, c.answerText),
            td(4, both(c.difficultyLabel)),
            td(5, String(c.score)),
            td(
              6,
              h(
                'span',
                { class: `badge ${q.status === 'retired' ? 'st-superseded' : 'st-confirmed'}` },
                both(q.statusLabel),
              ),
            ),
            td(7, `第 ${c.version} 版 v${c.version}`),
            td(
              8,
              h(
                'div',
                { class: 'actions' },
                actionButton('编辑 Edit', async () => on.edit(await detail()), { errEl: on.err }),
                actionButton(
                  q.status === 'retired' ? '启用 Reactivate' : '停用 Retire',
                  async () => {
                    await api.questions.setRetired(itemId, q.id, q.status !== 'retired');
                    on.rerender();
                  },
                  { errEl: on.err },
                ),
                actionButton(
                  `历史 History (${q.versionCount})`,
                  async () => {
                    if (!historyRow.hidden) return void (historyRow.hidden = true);
                    history.replaceChildren(versionHistory((await detail()).versions));
                    historyRow.hidden = false;
                  },
                  { errEl: on.err },
                ),
              ),
            ),
          );
          return [row, historyRow];
        }),
      ),
    ),
  );
}

function versionHistory(versions: QuestionVersionView[]): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-testid': 'question-history' },
    h('h4', {}, '版本历史 Version history'),
    h(
      'ol',
      { reversed: true },
      versions.map((v) =>
        h(
          'li',
          {},
          h('strong', {}, `第 ${v.version} 版 v${v.version}`),
          ` · ${v.createdAtText}（北京时间 China time） · ${v.createdByName}`,
          h('div', {}, v.stem),
          h(
            'div',
            { class: 'muted' },
            `答案 Answer: ${v.answerText} · 分值 Score ${v.score} · ${both(v.difficultyLabel)}`,
          ),
        ),
      ),
    ),
  );
}

/** The create / edit form: the fields of the chosen type only. */
function questionForm(itemId: string, q: QuestionDetailView | undefined, done: () => void): HTMLElement {
  const c = q?.current;
  const err = errSlot();
  const type = h(
    'select',
    { 'aria-label': '题型 Type', value: c?.type ?? 'single' },
    QUESTION_TYPES.map((t) => h('option', { value: t }, both(QUESTION_TYPE_LABELS[t]))),
  );
  const stem = h('textarea', { rows: 3, maxlength: '5000', 'aria-label': '题干 Stem', value: c?.stem ?? '' });
  const optionRows = OPTION_KEYS.slice(0, 6).map((key) => {
    const o = c?.options.find((x) => x.key === key);
    const text = h('input', {
      type: 'text',
      maxlength: '1000',
      'aria-label': `选项 Option ${key}`,
      value: o?.text ?? '',
    });
    const correct = h('input', {
      type: 'checkbox',
      'aria-label': `${key} 正确 correct`,
      checked: c?.answer.keys?.includes(key) ?? false,
    });
    return {
      key,
      text,
      correct,
      el: h(
        'div',
        { class: 'option-row' },
        h('strong', {}, `${key}.`),
        text,
        h('label', {}, correct, ' 正确 Correct'),
      ),
    };
  });
  const tf = h(
    'select',
    { 'aria-label': '答案 Answer (true/false)', value: c?.answer.value === false ? 'false' : 'true' },
    h('option', { value: 'true' }, '正确 True'),
    h('option', { value: 'false' }, '错误 False'),
  );
  const accepted = h('input', {
    type: 'text',
    'aria-label': '标准答案 Accepted answers',
    placeholder: '多个用 | 分隔 Separate with |',
    value: (c?.answer.accepted ?? []).join('|'),
  });
  const synonyms = h('input', {
    type: 'text',
    'aria-label': '同义答案 Synonyms',
    placeholder: '多个用 | 分隔 Separate with |',
    value: (c?.answer.synonyms ?? []).join('|'),
  });
  const reference = h('textarea', {
    rows: 3,
    'aria-label': '参考答案 Reference answer',
    value: c?.answer.reference ?? '',
  });
  const chapter = h('input', {
    type: 'text',
    maxlength: '100',
    'aria-label': '章节 Chapter',
    value: c?.chapter ?? '',
  });
  const point = h('input', {
    type: 'text',
    maxlength: '200',
    'aria-label': '知识点 Knowledge point',
    value: c?.knowledgePoint ?? '',
  });
  const difficulty = h(
    'select',
    { 'aria-label': '难度 Difficulty', value: String(c?.difficulty ?? 3) },
    Object.entries(QUESTION_DIFFICULTY_LABELS).map(([d, l]) => h('option', { value: d }, both(l))),
  );
  const score = h('input', {
    type: 'number',
    min: '0.1',
    step: '0.1',
    'aria-label': '分值 Score',
    value: String(c?.score ?? 2),
  });
  const explanation = h('textarea', {
    rows: 2,
    'aria-label': '解析 Explanation',
    value: c?.explanation ?? '',
  });

  const choiceBox = h(
    'fieldset',
    {},
    h('legend', {}, '选项（勾选正确答案） Options (tick the correct ones)'),
    optionRows.map((o) => o.el),
  );
  const tfBox = h('label', {}, '答案 Answer', tf);
  const fillBox = h(
    'div',
    {},
    h('label', {}, '标准答案 Accepted answers', accepted),
    h('label', {}, '同义答案 Synonyms', synonyms),
  );
  const shortBox = h('label', {}, '参考答案（人工评分） Reference answer (marked by hand)', reference);
  const showType = () => {
    const t = type.value as QuestionType;
    choiceBox.hidden = t !== 'single' && t !== 'multiple';
    tfBox.hidden = t !== 'true_false';
    fillBox.hidden = t !== 'fill_in';
    shortBox.hidden = t !== 'short_answer';
  };
  type.addEventListener('change', showType);
  showType();

  const list = (s: string) =>
    s
      .split('|')
      .map((x) => x.trim())
      .filter(Boolean);
  const bodyOf = (): QuestionBody => {
    const t = type.value as QuestionType;
    const choice = t === 'single' || t === 'multiple';
    return {
      type: t,
      stem: stem.value,
      options: choice
        ? optionRows.filter((o) => o.text.value.trim()).map((o) => ({ key: o.key, text: o.text.value }))
        : [],
      answer: choice
        ? { keys: optionRows.filter((o) => o.correct.checked).map((o) => o.key) }
        : t === 'true_false'
          ? { value: tf.value === 'true' }
          : t === 'fill_in'
            ? { accepted: list(accepted.value), synonyms: list(synonyms.value) }
            : { reference: reference.value },
      chapter: chapter.value,
      knowledgePoint: point.value,
      difficulty: Number(difficulty.value),
      score: Number(score.value),
      explanation: explanation.value,
    };
  };
  const form = h(
    'form',
    { class: 'card', 'data-testid': 'question-form' },
    h(
      'h3',
      {},
      q
        ? `编辑题目（保存为第 ${q.versionCount + 1} 版） Edit (saved as version ${q.versionCount + 1})`
        : '新建题目 New question',
    ),
    h('label', {}, '题型 Type', type),
    h('label', {}, '题干 Stem', stem),
    choiceBox,
    tfBox,
    fillBox,
    shortBox,
    h(
      'div',
      { class: 'grid2' },
      h('label', {}, '章节 Chapter', chapter),
      h('label', {}, '知识点 Knowledge point', point),
    ),
    h(
      'div',
      { class: 'grid2' },
      h('label', {}, '难度 Difficulty', difficulty),
      h('label', {}, '分值 Score', score),
    ),
    h('label', {}, '解析 Explanation', explanation),
    err,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, '保存 Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => form.remove() }, '取消 Cancel'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(err, null);
    void (async () => {
      try {
        if (q) await api.questions.edit(itemId, q.id, bodyOf());
        else await api.questions.create(itemId, bodyOf());
        done();
      } catch (ex) {
        showError(err, ex);
      }
    })();
  });
  return form;
}

interface RowError {
  row: number;
  column?: string;
  columnEn?: string;
  code?: string;
  zh?: string;
  en?: string;
}

/** Template, import (all or nothing, the row errors listed) and export. */
function fileTools(
  itemId: string,
  notice: string | undefined,
  imported: (notice: string) => void,
): HTMLElement {
  const err = errSlot();
  const result = h(
    'div',
    { 'data-testid': 'import-result' },
    notice ? h('p', { class: 'ok' }, notice) : null,
  );
  const file = h('input', {
    type: 'file',
    accept: `.xlsx,${XLSX}`,
    'aria-label': '题库文件 Question file (XLSX)',
  });
  const importBtn = actionButton(
    '导入 Import',
    async () => {
      result.replaceChildren();
      const f = file.files?.[0];
      if (!f) throw inputError('请选择 XLSX 文件', 'Choose an XLSX file');
      try {
        const r = await api.questions.importFile(itemId, f);
        imported(`已导入 ${r.imported} 题 Imported ${r.imported} question(s)`);
      } catch (e) {
        const errors =
          e instanceof ApiError ? (e.body.details as { errors?: RowError[] } | undefined)?.errors : undefined;
        if (errors?.length) result.replaceChildren(rowErrors(errors));
        throw e;
      }
    },
    { errEl: err },
  );
  return section(
    '模板、导入与导出 Template, import and export',
    h(
      'p',
      { class: 'hint' },
      '按模板填写（XLSX）；任何一行有错则全部不导入，并列出每个错误的行和列。 Fill in the template (XLSX); if any row has an error nothing is imported, and each error names its row and column.',
    ),
    h(
      'div',
      { class: 'actions' },
      actionButton(
        '下载模板 Template',
        () => download(api.questions.template(itemId), 'question-template.xlsx'),
        { errEl: err },
      ),
      actionButton(
        '导出题库 Export',
        () => download(api.questions.exportFile(itemId), 'question-bank.xlsx'),
        { errEl: err },
      ),
    ),
    h('div', { class: 'file-row' }, file, importBtn),
    err,
    result,
  );
}

function rowErrors(errors: RowError[]): HTMLElement {
  const cols = ['行 Row', '列 Column', '问题 Problem'];
  return h(
    'div',
    { 'data-testid': 'import-errors' },
    h(
      'h4',
      { class: 'error' },
      `共 ${errors.length} 处错误，未导入任何题目 ${errors.length} error(s); nothing was imported`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'errors cards' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          [...errors]
            .sort((a, b) => a.row - b.row)
            .map((e) =>
              h(
                'tr',
                {},
                h(
                  'td',
                  { 'data-label': cols[0] },
                  e.row === 0 ? '整个文件 Whole file' : `第 ${e.row} 行 Row ${e.row}`,
                ),
                h('td', { 'data-label': cols[1] }, e.column ? `${e.column} ${e.columnEn ?? ''}` : ''),
                h(
                  'td',
                  { 'data-label': cols[2] },
                  e.zh ?? '',
                  h('br'),
                  h('span', { class: 'muted' }, e.en ?? ''),
                ),
              ),
            ),
        ),
      ),
    ),
  );
}
