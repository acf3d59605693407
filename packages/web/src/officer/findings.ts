// JS-17 / QM-4: the officer's findings page of one institution (#/findings/:institutionId): record a
// finding, complaint or exam-discipline violation with a deadline; read the corrections with their
// evidence and accept or reject them; order correction, suspend, revoke or restore the online-training
// qualification (with a confirmation); the seed 004 3.1–3.3 scoring panel. And the jurisdiction's list
// of items (#/findings). Rules are the server's: this page shows what it answers.
import {
  OVERSIGHT_ITEM_KINDS,
  OVERSIGHT_ITEM_KIND_LABELS,
  QUALIFICATION_LABELS,
  SANCTION_KINDS,
  SANCTION_KIND_LABELS,
  type CorrectionView,
  type InstitutionView,
  type OversightItemView,
  type SanctionView,
  type ScoringView,
} from '@seafarer/contracts';
import type { ClassSummary } from '@seafarer/sdk';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, showError } from '../shared/errors';
import { chinaToday, fmtDateTime, label } from '../shared/format';
import { itemCard, revokeEvidenceUrls } from './findings-items';

type Items = { items: OversightItemView[] };
const v1 = '/api/v1';

const field = (text: string, control: HTMLElement): HTMLLabelElement => h('label', {}, text, control);

/** The jurisdiction's items, the overdue first (#/findings). */
export async function jurisdictionFindingsView(view: HTMLElement, isStale: () => boolean): Promise<void> {
  revokeEvidenceUrls();
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '辖区监督检查事项 Findings in the jurisdiction'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    err,
    body,
  );
  try {
    const all = await api.call<Items>('GET', `${v1}/oversight-items`);
    if (isStale()) return;
    const sorted = [...all.items].sort((a, b) => Number(b.overdue) - Number(a.overdue));
    body.replaceChildren(
      sorted.length === 0
        ? section(null, h('p', { class: 'muted' }, '暂无记录 Nothing recorded'))
        : h(
            'div',
            {},
            sorted.map((i) =>
              itemCard(i, {
                showInstitution: true,
                actions: [
                  h('a', { href: `#/findings/${i.institutionId}` }, '前往该机构 Open the institution →'),
                ],
              }),
            ),
          ),
    );
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
  }
}

export async function findingsView(
  view: HTMLElement,
  institutionId: string,
  isStale: () => boolean,
): Promise<void> {
  revokeEvidenceUrls();
  const rerender = () => void findingsView(view, institutionId, isStale);
  const err = errSlot();
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let inst: InstitutionView;
  let items: OversightItemView[];
  let sanctions: SanctionView[];
  let scoring: ScoringView;
  let classes: ClassSummary[];
  try {
    [inst, items, sanctions, scoring, classes] = await Promise.all([
      api.institutions.get(institutionId),
      api.call<Items>('GET', `${v1}/institutions/${institutionId}/oversight-items`).then((r) => r.items),
      api
        .call<{ items: SanctionView[] }>('GET', `${v1}/institutions/${institutionId}/sanctions`)
        .then((r) => r.items),
      api.call<ScoringView>('GET', `${v1}/institutions/${institutionId}/scoring`),
      api.institution.classes(institutionId).then((r) => r.items),
    ]);
  } catch (e) {
    view.replaceChildren(h('a', { href: '#/' }, '← 返回 Back'), err);
    showError(err, e);
    return;
  }
  if (isStale()) return;

  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h2', {}, '监督检查与整改 Findings and corrections'),
        h(
          'p',
          { class: 'muted' },
          `${inst.nameZh} · ${inst.nameEn} · `,
          h(
            'span',
            {
              class: `badge ${inst.onlineQualification === 'qualified' ? 'st-confirmed' : 'st-rejected'}`,
              'data-testid': 'qualification',
            },
            label(QUALIFICATION_LABELS, inst.onlineQualification),
          ),
        ),
      ),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    err,
    scoringPanel(scoring),
    recordForm(institutionId, classes, rerender),
    section(
      `事项 Items（${items.length}）`,
      items.length === 0
        ? h('p', { class: 'muted' }, '暂无记录 Nothing recorded')
        : h(
            'div',
            {},
            items.map((i) => itemCard(i, { decide: (c) => decisionForm(institutionId, i, c, rerender) })),
          ),
    ),
    sanctionPanel(inst, items, sanctions, rerender),
  );
}

function recordForm(institutionId: string, classes: ClassSummary[], done: () => void): HTMLElement {
  const kind = h(
    'select',
    { name: 'kind' },
    OVERSIGHT_ITEM_KINDS.map((k) => h('option', { value: k }, label(OVERSIGHT_ITEM_KIND_LABELS, k))),
  );
  const title = h('input', { name: 'title', maxlength: '200', required: true });
  const detail = h('textarea', { name: 'detail', rows: 3, maxlength: '5000', required: true });
  const occurredOn = h('input', { name: 'occurredOn', type: 'date', value: chinaToday(), required: true });
  const deadline = h('input', { name: 'deadline', type: 'date' });
  const cls = h(
    'select',
    { name: 'classId' },
    h('option', { value: '' }, '（不涉及具体班级 No particular class）'),
    classes.map((c) => h('option', { value: c.id }, `${c.code} ${c.name}`)),
  );
  const err = errSlot();
  const btn = h('button', { type: 'submit' }, '记录 Record');
  const form = h(
    'form',
    { 'data-testid': 'record-form' },
    h('h3', {}, '记录事项 Record a finding, complaint or violation'),
    h(
      'div',
      { class: 'grid2' },
      field('类别 Kind', kind),
      field('标题 Title', title),
      field('发生或发现日期 Occurred on（北京时间）', occurredOn),
      field('整改期限 Deadline（可选 optional）', deadline),
      field('班级 Class（可选 optional）', cls),
    ),
    field('详细情况 Detail', detail),
    h('div', { class: 'actions' }, btn),
    err,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(err, null);
    btn.disabled = true;
    api
      .call('POST', `${v1}/institutions/${institutionId}/oversight-items`, {
        body: {
          kind: kind.value,
          title: title.value.trim(),
          detail: detail.value.trim(),
          occurredOn: occurredOn.value,
          ...(deadline.value && { deadline: deadline.value }),
          ...(cls.value && { classId: cls.value }),
        },
      })
      .then(done, (ex: unknown) => showError(err, ex))
      .finally(() => (btn.disabled = false));
  });
  return form;
}

function decisionForm(
  institutionId: string,
  item: OversightItemView,
  c: CorrectionView,
  done: () => void,
): HTMLElement {
  const note = h('input', {
    'aria-label': '审核意见 Decision note',
    placeholder: '审核意见（必填） Decision note (required)',
    maxlength: '2000',
  });
  const err = errSlot();
  const decide = (decision: 'accepted' | 'rejected') => async () => {
    await api.call(
      'POST',
      `${v1}/institutions/${institutionId}/oversight-items/${item.id}/corrections/${c.id}/decision`,
      {
        body: { decision, note: note.value.trim() },
      },
    );
    done();
  };
  return h(
    'div',
    { class: 'mini-form', 'data-testid': 'decision-form' },
    note,
    h(
      'div',
      { class: 'actions' },
      actionButton('通过 Accept', decide('accepted'), { errEl: err }),
      actionButton('不通过 Reject', decide('rejected'), { errEl: err, cls: 'danger' }),
    ),
    err,
  );
}

function sanctionPanel(
  inst: InstitutionView,
  items: OversightItemView[],
  history: SanctionView[],
  done: () => void,
): HTMLElement {
  const kind = h(
    'select',
    { name: 'kind', 'aria-label': '措施 Measure' },
    SANCTION_KINDS.map((k) => h('option', { value: k }, label(SANCTION_KIND_LABELS, k))),
  );
  const reason = h('textarea', { name: 'reason', rows: 2, maxlength: '2000', 'aria-label': '理由 Reason' });
  const deadline = h('input', { name: 'deadline', type: 'date', 'aria-label': '整改期限 Deadline' });
  const deadlineField = field('整改期限 Deadline（责令整改时必填）', deadline);
  const item = h(
    'select',
    { name: 'itemId', 'aria-label': '所涉事项 Item' },
    h('option', { value: '' }, '（不关联事项 No item）'),
    items.map((i) =>
      h('option', { value: i.id }, `${label(OVERSIGHT_ITEM_KIND_LABELS, i.kind)}：${i.title}`),
    ),
  );
  const showDeadline = () => (deadlineField.hidden = kind.value !== 'order_correction');
  kind.addEventListener('change', showDeadline);
  showDeadline();
  const err = errSlot();
  const apply = actionButton(
    '执行措施 Apply',
    async () => {
      const k = kind.value as (typeof SANCTION_KINDS)[number];
      const l = SANCTION_KIND_LABELS[k];
      if (
        !confirm(
          `确认对 ${inst.nameZh} ${l.zh}？此操作将被审计。\nConfirm: ${l.en} for ${inst.nameEn}? This is audited.`,
        )
      )
        return;
      await api.call('POST', `${v1}/institutions/${inst.id}/sanctions`, {
        body: {
          kind: k,
          reason: reason.value.trim(),
          ...(k === 'order_correction' && deadline.value && { deadline: deadline.value }),
          ...(item.value && { itemId: item.value }),
        },
      });
      done();
    },
    { errEl: err, cls: 'danger' },
  );
  return section(
    '监管措施 Measures (seed 002 art. 17)',
    h(
      'p',
      {},
      '当前线上培训资格 Current qualification: ',
      h('strong', {}, label(QUALIFICATION_LABELS, inst.onlineQualification)),
      inst.qualificationChangedAt
        ? h('span', { class: 'muted' }, `（${fmtDateTime(inst.qualificationChangedAt)}）`)
        : null,
    ),
    h(
      'div',
      { class: 'grid2', 'data-testid': 'sanction-form' },
      field('措施 Measure', kind),
      deadlineField,
      field('所涉事项 Item（可选 optional）', item),
      field('理由 Reason', reason),
    ),
    h('div', { class: 'actions' }, apply),
    err,
    h('h4', {}, '措施记录 History'),
    history.length === 0
      ? h('p', { class: 'muted' }, '暂无 None')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'cards' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  '时间 When',
                  '措施 Measure',
                  '资格 Qualification',
                  '期限 Deadline',
                  '理由 Reason',
                  '决定人 By',
                ].map((t) => h('th', {}, t)),
              ),
            ),
            h(
              'tbody',
              {},
              history.map((s) =>
                h(
                  'tr',
                  {},
                  h('td', { 'data-label': '时间 When' }, fmtDateTime(s.issuedAt)),
                  h('td', { 'data-label': '措施 Measure' }, label(SANCTION_KIND_LABELS, s.kind)),
                  h(
                    'td',
                    { 'data-label': '资格 Qualification' },
                    `${s.qualificationFrom ? label(QUALIFICATION_LABELS, s.qualificationFrom) : '—'} → ${label(QUALIFICATION_LABELS, s.qualificationTo)}`,
                  ),
                  h('td', { 'data-label': '期限 Deadline' }, s.deadline ?? '—'),
                  h('td', { 'data-label': '理由 Reason' }, s.reason),
                  h('td', { 'data-label': '决定人 By' }, s.issuedByName),
                ),
              ),
            ),
          ),
        ),
  );
}

/** QM-4: seed 004 item 3 (海事管理机构监管情况), 3.1–3.3, as the server scored them. */
export function scoringPanel(s: ScoringView): HTMLElement {
  return section(
    `质量评估 Scoring（评估标准 3.1–3.3）：${s.points} / ${s.maxPoints} 分 points`,
    h('p', { class: 'muted' }, `截至 As of ${s.asOf}（北京时间 China date）`),
    h(
      'div',
      { class: 'table-wrap', 'data-testid': 'scoring' },
      h(
        'table',
        { class: 'cards' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['指标 Indicator', '数量 Count', '统计期 Window', '得分 Points', '依据 Why', '评分规则 Rule'].map(
              (t) => h('th', {}, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          s.indicators.map((i) =>
            h(
              'tr',
              {},
              h('td', { 'data-label': '指标 Indicator' }, `${i.id} ${i.name.zh} ${i.name.en}`),
              h('td', { 'data-label': '数量 Count' }, String(i.count)),
              h('td', { 'data-label': '统计期 Window' }, `${i.windowFrom} ~ ${i.windowTo}`),
              h('td', { 'data-label': '得分 Points' }, h('strong', {}, `${i.points} / ${i.maxPoints}`)),
              h('td', { 'data-label': '依据 Why' }, `${i.because.zh} ${i.because.en}`),
              h(
                'td',
                { 'data-label': '评分规则 Rule' },
                h(
                  'details',
                  {},
                  h('summary', {}, '查看 Show'),
                  h('p', {}, i.rule.zh),
                  h('p', { class: 'muted' }, i.rule.en),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
