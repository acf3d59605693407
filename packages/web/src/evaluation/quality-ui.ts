// QM-3: how the quality objectives are drawn, for the institution's page and the officer's overview.
// Figures, gaps and met/not met are the API's; the page only lays them out.
import type { LocalizedText, ObjectiveView, QualityRow } from '@seafarer/contracts';
import { h } from '../shared/dom';

const pctText = (v: number | null) => (v === null ? '—' : `${v}%`);
const gapText = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v} 个百分点 pts`);

export function objectiveBadge(o: ObjectiveView): HTMLSpanElement {
  const cls = o.status === 'met' ? 'st-confirmed' : o.status === 'not_met' ? 'st-rejected' : '';
  return h(
    'span',
    { class: `badge ${cls}`, dataset: { status: o.status } },
    `${o.statusLabel.zh} ${o.statusLabel.en}`,
  );
}

/** One card per objective: target, actual (with its counts), gap, met badge. */
export function objectiveCards(list: ObjectiveView[]): HTMLElement {
  return h(
    'div',
    {
      style: 'display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:0 1rem',
      'data-testid': 'objectives',
    },
    list.map((o) =>
      h(
        'section',
        { class: 'card', dataset: { objective: o.key }, 'data-testid': `objective-${o.key}` },
        h('h3', {}, o.label.zh, ' ', h('small', {}, o.label.en)),
        h(
          'p',
          { class: 'big', style: 'font-size:1.6rem;margin:0.25rem 0' },
          pctText(o.actualPct),
          ' ',
          objectiveBadge(o),
        ),
        h(
          'p',
          { class: 'muted' },
          `目标 Target ≥ ${o.targetPct}% · 差距 Gap ${gapText(o.gapPts)} · ${o.numerator}/${o.denominator}`,
        ),
      ),
    ),
  );
}

/** A table of rows (classes, items or institutions), one column group per objective. */
export function objectiveTable(
  rows: QualityRow[],
  head: { name: string; note: string },
  testId: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, '该期间没有数据 No data in this period');
  const keys = rows[0]!.objectives.map((o) => o.label);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': testId },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, head.name),
          h('th', {}, head.note),
          keys.map((k) => h('th', {}, k.zh, h('br'), h('small', {}, k.en))),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            { dataset: { id: r.id } },
            h('td', {}, `${r.code} ${r.name}`),
            h('td', { class: 'nowrap' }, r.note),
            r.objectives.map((o) =>
              h(
                'td',
                { class: 'nowrap', dataset: { objective: o.key } },
                `${pctText(o.actualPct)} `,
                h('small', { class: 'muted' }, `${o.numerator}/${o.denominator} · ${gapText(o.gapPts)}`),
                h('br'),
                objectiveBadge(o),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

export const definitionList = (defs: LocalizedText[]): HTMLElement =>
  h(
    'ul',
    { class: 'hint', 'data-testid': 'definitions' },
    defs.map((d) => h('li', {}, d.zh, h('br'), h('small', {}, d.en))),
  );

/** A from/to form (China dates); `onChange` receives the period the user asks for. */
export function periodForm(
  current: { from: string; to: string },
  onChange: (p: { from: string; to: string }) => void,
): HTMLFormElement {
  const lab = 'display:inline-block;margin:0 0.4rem 0 0';
  const inline = 'width:auto;display:inline-block;margin-right:0.75rem';
  const from = h('input', { type: 'date', id: 'q-from', value: current.from, style: inline });
  const to = h('input', { type: 'date', id: 'q-to', value: current.to, style: inline });
  return h(
    'form',
    {
      class: 'mini-form',
      'data-testid': 'period-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        onChange({ from: from.value, to: to.value });
      },
    },
    h('label', { for: 'q-from', style: lab }, '起 From'),
    from,
    h('label', { for: 'q-to', style: lab }, '止 To'),
    to,
    h('button', { type: 'submit' }, '统计 Compute'),
    h('span', { class: 'muted' }, ' 北京时间日期 China dates'),
  );
}
