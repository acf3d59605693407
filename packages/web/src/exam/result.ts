// JS-7.3: the candidate's result once the class manager released it, phone-first: the score and the
// verdict, then per question the answer given, the right answer (in the option letters the candidate
// saw) and the explanation. Mounted by the exam page into its #exam-result slot (data-class-id,
// data-exam-id, data-attempt-id). Before the release the server refuses (PRECONDITION_FAILED
// 'not_released') and the slot stays empty: the page's own hint says results come later. The page
// decides nothing: every figure and word is the API's. Owner: marking.
import type { AttemptResultView, ResultQuestionView } from '@seafarer/contracts';
import { api, ApiError } from '../shared/api';
import { h } from '../shared/dom';
import { errorBox } from '../shared/errors';

const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;

function questionCard(q: ResultQuestionView): HTMLElement {
  const state = q.correct ? 'st-confirmed' : q.score > 0 ? 'st-pending' : 'st-rejected';
  return h(
    'li',
    { class: 'card exam-result-q', 'data-testid': 'result-question' },
    h(
      'div',
      {},
      h('strong', {}, `第 ${q.no} 题 Q${q.no}`),
      ` · ${both(q.typeLabel)} · `,
      h('span', { class: state }, `${q.score} / ${q.max} 分 pts`),
    ),
    h('p', {}, q.stem),
    q.options.length
      ? h(
          'ul',
          { class: 'exam-result-options' },
          q.options.map((o) => h('li', {}, `${o.key}. ${o.text}`)),
        )
      : null,
    h('p', {}, `你的答案 Your answer：${q.answerText}`),
    h('p', {}, `正确答案 Right answer：${q.rightAnswerText || '—'}`),
    q.note ? h('p', { class: 'muted' }, `评语 Marker's note：${q.note}`) : null,
    q.explanation ? h('p', { class: 'hint' }, `解析 Explanation：${q.explanation}`) : null,
  );
}

export function resultView(r: AttemptResultView): HTMLElement {
  return h(
    'section',
    { class: 'exam-result', 'data-testid': 'exam-result-view' },
    h('h3', {}, '考试成绩 Your result'),
    h(
      'p',
      { class: 'exam-result-score' },
      h('strong', { style: 'font-size:1.6em' }, `${r.score} / ${r.total}`),
      ' ',
      h('span', { class: r.verdict === 'pass' ? 'st-confirmed' : 'st-rejected' }, both(r.verdictLabel)),
    ),
    h(
      'p',
      { class: 'muted' },
      `${both(r.passMarkText)}${r.releasedAtText ? ` · 发布于 Released ${r.releasedAtText}（北京时间 China time）` : ''}`,
    ),
    h('ol', { class: 'exam-result-list', style: 'list-style:none;padding:0' }, r.questions.map(questionCard)),
  );
}

/** Fills the exam page's #exam-result slot with the released result (nothing before the release). */
export async function mountResult(slot: HTMLElement): Promise<void> {
  const { classId, examId, attemptId } = slot.dataset;
  if (!classId || !examId || !attemptId) return;
  try {
    slot.replaceChildren(resultView(await api.examResults.result(classId, examId, attemptId)));
  } catch (e) {
    // Not released (or still being marked): the exam page's hint already says when results come.
    if (e instanceof ApiError && e.body.code === 'PRECONDITION_FAILED') return;
    slot.replaceChildren(errorBox(e));
  }
}
