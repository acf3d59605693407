// JS-7.3: the trainee home's list of their exams (GET /me/exams), each with its state and, while it can
// be sat or resumed, the way in (进入考试 Enter). Owner: sitting; the home page mounts it.
import { api } from '../shared/api';
import { h } from '../shared/dom';
import { errorBox } from '../shared/errors';

const ENTERABLE = new Set(['open', 'in_progress']);
const VIEWABLE = new Set(['submitted', 'released']);

/** A card of the trainee's exams; empty (hidden) when they have none. */
export function myExamsCard(): HTMLElement {
  const card = h('section', { class: 'card my-exams', 'data-testid': 'my-exams', hidden: true });
  api.examSetup.mine().then(
    (r) => {
      if (r.items.length === 0) return;
      card.hidden = false;
      card.replaceChildren(
        h('h3', {}, '我的考试 My exams'),
        h(
          'ul',
          { class: 'plain' },
          r.items.map((e) =>
            h(
              'li',
              { dataset: { exam: e.examId } },
              h('strong', {}, e.title),
              ` · ${e.className}`,
              h('br'),
              h('span', { class: 'muted' }, `${e.windowText} · ${e.durationMinutes} 分钟 min`),
              ' ',
              h('span', { class: 'badge' }, `${e.stateLabel.zh} ${e.stateLabel.en}`),
              ENTERABLE.has(e.state)
                ? h(
                    'a',
                    { class: 'button', href: e.link },
                    e.state === 'in_progress' ? '继续考试 Resume' : '进入考试 Enter',
                  )
                : VIEWABLE.has(e.state)
                  ? h('a', { class: 'button secondary', href: e.link }, '查看 View')
                  : null,
            ),
          ),
        ),
      );
    },
    (err: unknown) => {
      card.hidden = false;
      card.replaceChildren(errorBox(err));
    },
  );
  return card;
}
