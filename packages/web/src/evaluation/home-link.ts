// JS-14: the trainee home's way to their course evaluations (opened by the class manager after the class).
import { api } from '../shared/api';
import { h } from '../shared/dom';

/** Puts a card with the trainee's course evaluations at the top of `box` (nothing when there is none). */
export async function evaluationLinks(box: HTMLElement): Promise<void> {
  const { items } = await api.evaluations.mine().catch(() => ({ items: [] }));
  if (items.length === 0) return;
  box.prepend(
    h(
      'section',
      { class: 'card', 'data-testid': 'evaluation-links' },
      h('h3', {}, '课程评价 Course evaluation'),
      h(
        'ul',
        { class: 'links' },
        items.map((i) =>
          h(
            'li',
            {},
            i.state === 'open'
              ? h(
                  'a',
                  { href: `./evaluate.html?class=${i.classId}`, class: 'button small' },
                  '去评价 Evaluate',
                )
              : null,
            ` ${i.classCode} · ${i.className} — ${i.stateLabel.zh} ${i.stateLabel.en}`,
            i.state === 'open' ? h('span', { class: 'muted' }, `（截止 closes ${i.closesAtText}）`) : null,
          ),
        ),
      ),
    ),
  );
}
