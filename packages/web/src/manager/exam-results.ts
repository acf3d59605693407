// JS-7.3 (issue 12 §3 自动评卷, 考试数据导出): the results page of one exam (#/exam/:classId/:examId):
// the results table (one row per candidate), the statistics with the score distribution as a bar
// chart (inline SVG) and the per-question table (p, discrimination), the marking queue of short
// answers (candidates by number only), the release button and the exports. Every figure, word and
// refusal comes from the API; this page only lays them out (desktop, 1366×768).
import type {
  ExamResultsView,
  ExamStatisticsView,
  LocalizedText,
  MarkingItem,
  MarkingQueueView,
} from '@seafarer/contracts';
import { STATISTICS_LABELS } from '@seafarer/contracts';
import { api, download } from '../shared/api';
import { errSlot, h, section, type Child } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';

const both = (l: LocalizedText | null | undefined) => (l ? `${l.zh} ${l.en}` : '—');
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 2) => (x === null ? '—' : String(Number(x.toFixed(digits))));
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The 10 % bins as bars: count above each bar, the bin's label below. */
function distributionChart(s: ExamStatisticsView): Element {
  const W = 620;
  const H = 220;
  const pad = { l: 30, b: 36, t: 20 };
  const bw = (W - pad.l) / s.distribution.length;
  const top = Math.max(1, ...s.distribution.map((b) => b.count));
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: 'img',
    'aria-label': `${STATISTICS_LABELS.distribution.zh} ${STATISTICS_LABELS.distribution.en}`,
    class: 'exam-distribution',
  });
  root.append(svg('line', { x1: pad.l, y1: H - pad.b, x2: W, y2: H - pad.b, stroke: '#888' }));
  s.distribution.forEach((b, i) => {
    const hgt = ((H - pad.b - pad.t) * b.count) / top;
    const x = pad.l + i * bw + 4;
    const bar = svg('rect', {
      x,
      y: H - pad.b - hgt,
      width: bw - 8,
      height: hgt,
      fill: b.from >= 60 ? '#2f7d4f' : '#c0653a',
    });
    bar.append(svg('title', {}, `${b.label}: ${b.count}`));
    root.append(bar);
    root.append(
      svg(
        'text',
        { x: x + (bw - 8) / 2, y: H - pad.b - hgt - 4, 'text-anchor': 'middle', 'font-size': 12 },
        String(b.count),
      ),
    );
    root.append(
      svg(
        'text',
        { x: x + (bw - 8) / 2, y: H - pad.b + 16, 'text-anchor': 'middle', 'font-size': 11 },
        b.label,
      ),
    );
  });
  return root;
}

function figures(s: ExamStatisticsView): HTMLElement {
  const L = STATISTICS_LABELS;
  const cell = (l: LocalizedText, v: string) =>
    h('div', { class: 'exam-figure' }, h('div', { class: 'muted' }, both(l)), h('strong', {}, v));
  return h(
    'div',
    { class: 'exam-figures', style: 'display:flex;flex-wrap:wrap;gap:12px 28px;margin:8px 0 12px' },
    cell(L.candidates, String(s.candidates)),
    cell(L.sat, String(s.sat)),
    cell(L.passed, String(s.passed)),
    cell(L.passRate, pct(s.passRate)),
    cell(L.mean, num(s.mean)),
    cell(L.median, num(s.median)),
    cell(L.min, num(s.min)),
    cell(L.max, num(s.max)),
    cell(L.sd, num(s.sd)),
  );
}

function questionTable(s: ExamStatisticsView): HTMLElement {
  return h(
    'table',
    { class: 'exam-questions' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          '题号 No.',
          '题型 Type',
          '章节 Chapter',
          '题目 Stem',
          '作答人数 n',
          '满分 Max',
          '平均分 Mean',
          '难度 P Difficulty p',
          '区分度 Discrimination',
        ].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      s.questions.map((q) =>
        h(
          'tr',
          {},
          h('td', {}, q.no),
          h('td', {}, both(q.typeLabel)),
          h('td', {}, q.chapter),
          h('td', { class: 'stem', style: 'min-width:260px' }, q.stem),
          h('td', {}, q.n),
          h('td', {}, q.max),
          h('td', {}, num(q.meanScore)),
          h('td', {}, `${num(q.p, 3)} ${q.pLabel ? `（${both(q.pLabel)}）` : ''}`),
          h(
            'td',
            {},
            `${num(q.discrimination, 3)} ${q.discriminationLabel ? `（${both(q.discriminationLabel)}）` : ''}`,
          ),
        ),
      ),
    ),
  );
}

function resultsTable(v: ExamResultsView): HTMLElement {
  const heads = [
    '序号 No.',
    '姓名 Name',
    '证件号码 ID number',
    '状态 State',
    '开始 Started',
    '交卷 Submitted',
    '得分 Score',
    '结论 Verdict',
    '待评 Pending',
    '监考标记 Flags',
  ];
  return h(
    'table',
    { class: 'exam-results' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      v.rows.map((r) =>
        h(
          'tr',
          { 'data-attempt': r.attemptId ?? '' },
          h('td', {}, r.no),
          h('td', {}, r.name),
          h('td', {}, r.idNumberMasked),
          h('td', {}, both(r.stateLabel)),
          h('td', {}, r.startedAtText ?? '—'),
          h('td', {}, r.submittedAtText ?? '—'),
          h('td', {}, r.score === null ? '—' : `${r.score} / ${r.total ?? '—'}`),
          h(
            'td',
            { class: r.verdict === 'fail' ? 'st-rejected' : r.verdict === 'pass' ? 'st-confirmed' : '' },
            both(r.verdictLabel),
          ),
          h('td', {}, r.manualPending || ''),
          h('td', {}, r.flags || ''),
        ),
      ),
    ),
  );
}

function markingRow(
  classId: string,
  examId: string,
  item: MarkingItem,
  released: boolean,
  refresh: () => Promise<void>,
): HTMLElement {
  const err = errSlot();
  const score = h('input', {
    type: 'number',
    min: '0',
    max: String(item.max),
    step: '0.5',
    value: item.score === null ? '' : String(item.score),
    'aria-label': `得分 Score (0–${item.max})`,
    style: 'width:6em',
  });
  const note = h('input', {
    type: 'text',
    maxlength: '1000',
    value: item.note,
    placeholder: '评语 Note',
    style: 'width:14em',
  });
  const save = actionButton(
    item.score === null ? '评分 Mark' : '改分 Re-mark',
    async () => {
      if (score.value.trim() === '') throw inputError('请填写得分', 'Enter a score');
      await api.examResults.manualMark(classId, examId, item.attemptId, {
        questionId: item.questionId,
        score: Number(score.value),
        note: note.value.trim(),
      });
      await refresh();
    },
    { errEl: err },
  );
  if (released) {
    score.disabled = true;
    note.disabled = true;
    save.disabled = true;
    save.dataset.keepDisabled = '1';
  }
  return h(
    'div',
    { class: 'marking-item', style: 'border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:8px 0' },
    h(
      'div',
      {},
      h('strong', {}, `考生 ${item.candidateNo} 号 Candidate #${item.candidateNo}`),
      ` · 第 ${item.no} 题 Question ${item.no} · 满分 Max ${item.max}`,
      item.score === null
        ? h('span', { class: 'st-pending', style: 'margin-left:8px' }, '待评分 Waiting')
        : null,
    ),
    h('p', {}, item.stem),
    h('p', { class: 'muted' }, `参考答案 Reference: ${item.reference}`),
    h('blockquote', { style: 'margin:4px 0;padding:4px 8px;background:#f6f6f2' }, item.answer),
    h('div', { style: 'display:flex;gap:8px;align-items:center' }, score, note, save),
    err,
  );
}

export async function examResultsView(
  view: HTMLElement,
  classId: string,
  examId: string,
  isStale: () => boolean,
): Promise<void> {
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const title = h('h2', {}, '考试成绩 Exam results');
  view.replaceChildren(
    h('div', { class: 'page-head' }, title, h('a', { href: `#/class/${classId}/exams` }, '← 返回 Back')),
    err,
    body,
  );
  const load = async () => {
    const [results, stats, queue] = await Promise.all([
      api.examResults.results(classId, examId),
      api.examResults.statistics(classId, examId),
      api.examResults.marking(classId, examId).catch((): MarkingQueueView | null => null),
    ]);
    if (isStale()) return;
    title.textContent = `${results.title} · 成绩 Results`;
    const relErr = errSlot();
    const release = actionButton(
      '发布成绩 Release results',
      async () => {
        if (
          !confirm(
            '发布后考生可查看得分与解析，评分不能再修改。确定发布？ Candidates will see their scores and the explanations; marks can no longer change. Release?',
          )
        )
          return;
        await api.examResults.release(classId, examId);
        await load();
      },
      { errEl: relErr },
    );
    release.id = 'release-results';
    if (!results.canRelease) {
      release.disabled = true;
      release.dataset.keepDisabled = '1';
    }
    const exports = h(
      'div',
      { class: 'actions', style: 'display:flex;gap:8px;flex-wrap:wrap' },
      actionButton(
        '导出成绩 XLSX Results',
        () => download(api.examResults.resultsXlsx(classId, examId), 'results.xlsx'),
        {
          cls: 'secondary',
        },
      ),
      actionButton(
        '导出成绩 CSV Results',
        () => download(api.examResults.resultsCsv(classId, examId), 'results.csv'),
        {
          cls: 'secondary',
        },
      ),
      actionButton(
        '导出答题明细 XLSX Answers',
        () => download(api.examResults.answersXlsx(classId, examId), 'answers.xlsx'),
        {
          cls: 'secondary',
        },
      ),
    );
    const status: Child = results.released
      ? h(
          'p',
          { class: 'st-confirmed', id: 'release-state' },
          `成绩已发布 Released ${results.releasedAtText ?? ''}（北京时间 China time）`,
        )
      : h(
          'div',
          { id: 'release-state' },
          results.blockersText.length
            ? h(
                'ul',
                { class: 'hint' },
                results.blockersText.map((b) => h('li', {}, both(b))),
              )
            : h(
                'p',
                { class: 'hint' },
                '全部试卷已评完，可以发布。 Every paper is marked; the results can be released.',
              ),
        );
    const sorted = queue
      ? [...queue.items].sort((a, b) => Number(a.score !== null) - Number(b.score !== null))
      : [];
    body.replaceChildren(
      h('p', { class: 'muted' }, both(results.passMarkText)),
      section(
        '发布与导出 Release and export',
        status,
        h('div', { style: 'display:flex;gap:12px;align-items:center;flex-wrap:wrap' }, release, exports),
        relErr,
      ),
      section(
        '成绩 Results',
        h('p', { class: 'hint' }, '时间为北京时间。 Times are China time.'),
        h('div', { style: 'overflow-x:auto' }, resultsTable(results)),
      ),
      section(
        '统计 Statistics',
        figures(stats),
        h('h4', {}, both(STATISTICS_LABELS.distribution)),
        distributionChart(stats),
        h('h4', {}, '逐题分析 Per question'),
        h('p', { class: 'hint' }, `${both(STATISTICS_LABELS.p)}；${both(STATISTICS_LABELS.discrimination)}`),
        h('div', { style: 'overflow-x:auto' }, questionTable(stats)),
      ),
      ...(queue
        ? [
            section(
              `简答题评分 Marking short answers（待评 ${queue.pending} waiting · 已评 ${queue.marked} marked）`,
              h(
                'p',
                { class: 'hint' },
                '考生以编号显示，不显示姓名。 Candidates are shown by number, not by name.',
              ),
              sorted.length
                ? sorted.map((i) => markingRow(classId, examId, i, queue.released, load))
                : h('p', { class: 'muted' }, '没有需要人工评分的答案。 No answers wait for a hand mark.'),
            ),
          ]
        : []),
    );
  };
  try {
    await load();
  } catch (e) {
    if (!isStale()) showError(err, e);
    body.replaceChildren();
  }
}
