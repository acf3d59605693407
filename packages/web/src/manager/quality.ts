// QM-3: the institution's quality objectives (#/quality): target, actual, gap and met per objective,
// per class and per training item over a period, and the evaluation results per instructor.
import type { InstitutionEvaluationView, QualityView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { showError } from '../shared/errors';
import { definitionList, objectiveCards, objectiveTable, periodForm } from '../evaluation/quality-ui';

export async function qualityView(
  view: HTMLElement,
  institutionId: string,
  stale: () => boolean,
  period: { from?: string; to?: string } = {},
): Promise<void> {
  const err = errSlot();
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '质量目标 Quality objectives'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    err,
    section(null, h('p', { class: 'muted' }, '加载中… Loading…')),
  );
  let q: QualityView;
  let ev: InstitutionEvaluationView;
  try {
    [q, ev] = await Promise.all([
      api.evaluations.quality(institutionId, period),
      api.evaluations.ofInstitution(institutionId, period),
    ]);
  } catch (e) {
    showError(err, e);
    return;
  }
  if (stale()) return;
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h2', {}, '质量目标 Quality objectives'),
        h('p', { class: 'muted' }, `${q.institutionName} · ${q.period.text.zh} · ${q.period.text.en}`),
      ),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    err,
    periodForm(q.period, (p) => void qualityView(view, institutionId, stale, p)),
    objectiveCards(q.objectives),
    section(
      '按班级 Per class',
      objectiveTable(q.classes, { name: '班级 Class', note: '结束日期 Ends' }, 'quality-classes'),
    ),
    section(
      '按培训项目 Per training item',
      objectiveTable(q.items, { name: '培训项目 Training item', note: '班级数 Classes' }, 'quality-items'),
    ),
    section(
      '按教员的评价 Evaluation per instructor',
      ev.instructors.length === 0
        ? h('p', { class: 'muted' }, '该期间没有教员评价 No instructor ratings in this period')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { 'data-testid': 'quality-instructors' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, '教员 Instructor'),
                  h('th', {}, '份数 n'),
                  h('th', {}, '授课质量 Teaching'),
                  h('th', {}, '满意率 Satisfaction'),
                ),
              ),
              h(
                'tbody',
                {},
                ev.instructors.map((i) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, i.name),
                    h('td', { class: 'num' }, String(i.responses)),
                    i.shown
                      ? [
                          h('td', { class: 'num' }, i.questions[0]?.mean?.toFixed(2) ?? '—'),
                          h(
                            'td',
                            { class: 'num' },
                            i.satisfactionPct === null ? '—' : `${i.satisfactionPct}%`,
                          ),
                        ]
                      : h(
                          'td',
                          { colspan: 2, class: 'muted' },
                          i.notice ? `${i.notice.zh} ${i.notice.en}` : '',
                        ),
                  ),
                ),
              ),
            ),
          ),
    ),
    section('说明 Definitions', definitionList(q.definitions)),
  );
}
