// QM-3: the officer's overview of the quality objectives (#/quality): the jurisdiction's figures and one
// row per institution, with the gap to each target, over a period.
import type { OfficerQualityView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { showError } from '../shared/errors';
import { definitionList, objectiveCards, objectiveTable, periodForm } from '../evaluation/quality-ui';

export async function officerQualityView(
  view: HTMLElement,
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
  let q: OfficerQualityView;
  try {
    q = await api.evaluations.officerQuality(period);
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
        h('h2', {}, '辖区质量目标 Quality objectives of the jurisdiction'),
        h('p', { class: 'muted' }, `${q.period.text.zh} · ${q.period.text.en}`),
      ),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    err,
    periodForm(q.period, (p) => void officerQualityView(view, stale, p)),
    objectiveCards(q.objectives),
    section(
      '按培训机构 Per institution',
      objectiveTable(
        q.institutions,
        { name: '培训机构 Institution', note: '班级数 Classes' },
        'quality-institutions',
      ),
    ),
    section('说明 Definitions', definitionList(q.definitions)),
  );
}
