// JS-7.1 / JS-14: the class's in-class quizzes (随堂测试) and the daily grades (平时成绩) they make, on the
// manager's class page (tab 随堂测试). Per trainee per class day: the quizzes' score over their max and
// the percentage, each quiz listed (a trainee in the room who did not answer has 0, as the API says);
// below, each quiz with its results. Every figure comes from the API (core's quiz rules).
import type { DailyGradesView, QuizListView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { h, section } from '../shared/dom';
import { showError } from '../shared/errors';

export async function quizzesTab(
  p: HTMLElement,
  classId: string,
  opts: { timelineHref(accountId: string): string; stale(): boolean },
): Promise<void> {
  p.replaceChildren(h('p', { class: 'muted' }, '正在读取… Loading…'));
  let grades: DailyGradesView;
  let list: QuizListView;
  try {
    [grades, list] = await Promise.all([api.quizzes.dailyGrades(classId), api.quizzes.list(classId)]);
  } catch (e) {
    if (!opts.stale()) showError(p, e);
    return;
  }
  if (opts.stale()) return;
  const gradeTable = grades.grades.length
    ? h(
        'table',
        { class: 'cards', id: 'daily-grades' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['姓名 Name', '日期 Day', '平时成绩 Daily grade', '各次测试 Quizzes'].map((x) => h('th', {}, x)),
          ),
        ),
        h(
          'tbody',
          {},
          grades.grades.map((g) =>
            h(
              'tr',
              { 'data-account': g.accountId, 'data-date': g.date },
              h(
                'td',
                { 'data-label': '姓名 Name' },
                h('a', { href: opts.timelineHref(g.accountId) }, g.name),
              ),
              h('td', { 'data-label': '日期 Day' }, g.date),
              h(
                'td',
                { 'data-label': '平时成绩 Daily grade', class: 'grade' },
                `${g.score}/${g.max} 分`,
                g.percent !== null ? `（${g.percent}%）` : '',
              ),
              h(
                'td',
                { 'data-label': '各次测试 Quizzes' },
                g.quizzes
                  .map(
                    (q) =>
                      `${q.time} ${q.title}：${q.answered ? `${q.score}/${q.max}` : `未作答 no answer 0/${q.max}`}`,
                  )
                  .join('；'),
              ),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted' }, '还没有已结束的随堂测试 No closed quiz yet');
  const quizList = list.items.length
    ? h(
        'ul',
        { id: 'quiz-list' },
        list.items.map((q) =>
          h(
            'li',
            { 'data-quiz': q.id },
            h(
              'strong',
              {},
              `${q.pushedAtText} ${q.title}`,
              q.sessionSeq !== null ? ` · 第 ${q.sessionSeq} 次课 session ${q.sessionSeq}` : '',
            ),
            ` · ${q.originLabel.zh} ${q.originLabel.en} · ${q.statusLabel.zh} ${q.statusLabel.en} · ${q.questionCount} 题 questions · 满分 ${q.totalScore} · 作答 ${q.answered} 人 answered`,
            q.averagePercent !== null ? ` · 平均 ${q.averagePercent}% average` : '',
            ` · ${q.pushedByName}`,
            q.results.length
              ? h(
                  'div',
                  { class: 'muted' },
                  q.results.map((r) => `${r.name} ${r.score ?? '—'}/${r.max ?? q.totalScore}`).join('，'),
                )
              : null,
          ),
        ),
      )
    : h('p', { class: 'muted' }, '本班还没有随堂测试 No quiz in this class yet');
  p.replaceChildren(
    section('平时成绩（随堂测试） Daily grades (in-class quizzes)', gradeTable),
    section('随堂测试记录 Quizzes', quizList),
  );
}
