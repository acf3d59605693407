// JS-7.1 / JS-14: the class's course evaluation for its manager: open the trainee survey once the class
// has ended, invite sending companies (a link shown once), and the results — per question means, the
// satisfaction %, per instructor (only from 3 responses, as the API decides), comments without author.
import type { ClassEvaluationView, ClassView, SurveyResultsView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, showError } from '../shared/errors';
import { definitionList } from '../evaluation/quality-ui';

const meanText = (m: number | null) => (m === null ? '—' : m.toFixed(2));

function resultsBlock(r: SurveyResultsView): HTMLElement {
  return h(
    'div',
    { 'data-testid': `results-${r.kind}` },
    h(
      'p',
      {},
      h(
        'span',
        { class: `badge ${r.status === 'open' ? 'st-pending' : ''}` },
        `${r.statusLabel.zh} ${r.statusLabel.en}`,
      ),
      ` ${r.opensAtText} – ${r.closesAtText}（北京时间 China time）`,
    ),
    h(
      'p',
      { class: 'total', 'data-testid': `satisfaction-${r.kind}` },
      `满意率 Satisfaction：${r.satisfactionPct === null ? '—' : `${r.satisfactionPct}%`}`,
      ` （${r.satisfiedCount}/${r.responses}）· 答卷 Responses ${r.responses} / ${r.kind === 'trainee' ? '学员 trainees' : '邀请 invited'} ${r.invited}`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, '题目 Question'), h('th', {}, '平均分 Mean (1–5)'), h('th', {}, '份数 n')),
        ),
        h(
          'tbody',
          {},
          r.questions.map((q) =>
            h(
              'tr',
              { dataset: { q: q.key } },
              h('td', {}, q.zh, h('br'), h('small', {}, q.en)),
              h('td', { class: 'num' }, meanText(q.mean)),
              h('td', { class: 'num' }, String(q.count)),
            ),
          ),
        ),
      ),
    ),
    r.instructors.length
      ? [
          h('h4', {}, '按教员 Per instructor'),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { 'data-testid': 'per-instructor' },
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
                r.instructors.map((i) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, i.name),
                    h('td', { class: 'num' }, String(i.responses)),
                    i.shown
                      ? [
                          h('td', { class: 'num' }, meanText(i.questions[0]?.mean ?? null)),
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
        ]
      : null,
    h('h4', {}, `意见 Comments (${r.comments.length})`),
    r.comments.length
      ? h(
          'ul',
          { 'data-testid': `comments-${r.kind}` },
          r.comments.map((c) => h('li', {}, c)),
        )
      : h('p', { class: 'muted' }, '暂无意见 No comments'),
  );
}

export async function evaluationTab(
  panel: HTMLElement,
  cls: ClassView,
  { stale }: { stale: () => boolean },
): Promise<void> {
  const err = errSlot();
  panel.replaceChildren(
    section('课程评价 Course evaluation', h('p', { class: 'muted' }, '加载中… Loading…')),
  );
  let r: ClassEvaluationView;
  try {
    r = await api.evaluations.results(cls.id);
  } catch (e) {
    panel.replaceChildren(err);
    showError(err, e);
    return;
  }
  if (stale()) return;
  // The link of the invitation just made: shown once, until the tab is left.
  let shownLink: HTMLElement | null = null;
  const render = (v: ClassEvaluationView) => {
    r = v;
    const reload = () =>
      void api.evaluations
        .results(cls.id)
        .then(render)
        .catch((e: unknown) => showError(err, e));
    // The trainee survey.
    const days = h('input', {
      type: 'number',
      id: 'eval-days',
      min: 1,
      max: 60,
      value: 14,
      style: 'width:5rem',
    });
    const trainee = r.trainee
      ? [
          resultsBlock(r.trainee),
          r.trainee.status === 'open'
            ? actionButton(
                '提前结束评价 Close now',
                async () => render(await api.evaluations.close(cls.id, r.trainee!.surveyId)),
                { errEl: err, cls: 'secondary' },
              )
            : null,
        ]
      : r.canOpen
        ? h(
            'div',
            {},
            h('p', {}, `课程已于 ${r.endsAtText ?? ''} 结束 The class ended (China time).`),
            h('label', { for: 'eval-days' }, '开放天数 Days open '),
            days,
            ' ',
            actionButton(
              '开启学员评价 Open the trainee evaluation',
              async () => render(await api.evaluations.open(cls.id, { days: Number(days.value) })),
              { errEl: err },
            ),
          )
        : h('p', { class: 'info' }, r.canOpenReason ? `${r.canOpenReason.zh} · ${r.canOpenReason.en}` : '');
    // The sponsors.
    const name = h('input', { id: 'sponsor-name', maxlength: 100, placeholder: '如：某某船员管理有限公司' });
    const created = h('div', { 'data-testid': 'sponsor-link' }, shownLink);
    const invite = h(
      'form',
      {
        class: 'mini-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          showError(err, null);
          api.evaluations
            .invite(cls.id, { sponsorName: name.value })
            .then((inv) => {
              const url = new URL(inv.link, location.href).href;
              shownLink = h(
                'div',
                { class: 'ok-note' },
                `已为“${inv.sponsorName}”生成评价链接（只显示这一次，请复制发给对方；截止 ${inv.closesAtText}） Link for ${inv.sponsorName} (shown once; copy it now):`,
                h('br'),
                h('input', { readonly: true, value: url, style: 'width:100%', 'data-testid': 'sponsor-url' }),
              );
              reload();
            })
            .catch((e2: unknown) => showError(err, e2));
        },
      },
      h('label', { for: 'sponsor-name' }, '送培单位名称 Sending company'),
      name,
      h('button', { type: 'submit' }, '生成邀请链接 Create invitation link'),
    );
    panel.replaceChildren(
      err,
      section(
        '学员课程评价 Trainee course evaluation',
        h(
          'p',
          { class: 'muted' },
          r.endsAtText ? `最后一个课次结束 Last session ends ${r.endsAtText}（北京时间 China time）` : '',
        ),
        trainee,
      ),
      section(
        '送培单位满意度 Sponsor satisfaction',
        r.ended
          ? invite
          : h('p', { class: 'info' }, r.canOpenReason ? `${r.canOpenReason.zh} · ${r.canOpenReason.en}` : ''),
        created,
        r.invitations.length
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { 'data-testid': 'invitations' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    h('th', {}, '送培单位 Company'),
                    h('th', {}, '状态 State'),
                    h('th', {}, '邀请时间 Invited'),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  r.invitations.map((i) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, i.sponsorName),
                      h(
                        'td',
                        {},
                        h(
                          'span',
                          { class: `badge ${i.answered ? 'st-confirmed' : 'st-pending'}` },
                          `${i.stateLabel.zh} ${i.stateLabel.en}`,
                        ),
                      ),
                      h('td', { class: 'nowrap' }, i.createdAtText),
                    ),
                  ),
                ),
              ),
            )
          : null,
        r.sponsor ? [h('h4', {}, '送培单位答卷 Sponsor answers'), resultsBlock(r.sponsor)] : null,
      ),
      section('说明 Definitions', definitionList(r.definitions)),
    );
  };
  render(r);
}
