// JS-17: the institution's side of the authority's findings (#/findings): the open items first, each
// deadline with its days left or 已逾期 overdue (China date, as the server computed it), and the
// correction form (text and JPEG / PNG / PDF files, uploaded content-addressed, then submitted).
import type { OversightItemView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { inputError, showError } from '../shared/errors';
import { itemCard, revokeEvidenceUrls } from '../officer/findings-items';

const v1 = '/api/v1';
const ORDER: Record<string, number> = { open: 0, correction_submitted: 1, accepted: 2, closed: 3 };

export async function managerFindingsView(
  view: HTMLElement,
  institutionId: string,
  isStale: () => boolean,
): Promise<void> {
  revokeEvidenceUrls();
  const rerender = () => void managerFindingsView(view, institutionId, isStale);
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '监督检查与整改 Findings and corrections'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    h(
      'p',
      { class: 'hint' },
      '海事管理机构记录的检查缺陷、投诉和考试违纪。请在整改期限前提交整改情况及证据。 The authority’s findings, complaints and exam-discipline violations: submit each correction with evidence before its deadline.',
    ),
    err,
    body,
  );
  let items: OversightItemView[];
  try {
    items = (
      await api.call<{ items: OversightItemView[] }>(
        'GET',
        `${v1}/institutions/${institutionId}/oversight-items`,
      )
    ).items;
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
    return;
  }
  if (isStale()) return;
  const sorted = [...items].sort(
    (a, b) =>
      (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) ||
      (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'),
  );
  const open = items.filter((i) => i.status === 'open').length;
  const overdue = items.filter((i) => i.overdue).length;
  body.replaceChildren(
    section(
      null,
      h(
        'p',
        { 'data-testid': 'findings-summary' },
        `待整改 Open: ${open} · `,
        overdue
          ? h('span', { class: 'badge st-rejected' }, `已逾期 Overdue: ${overdue}`)
          : '无逾期 None overdue',
      ),
    ),
    sorted.length === 0
      ? section(null, h('p', { class: 'muted' }, '暂无记录 Nothing recorded'))
      : h(
          'div',
          {},
          sorted.map((i) =>
            itemCard(i, { actions: i.status === 'open' ? [correctionForm(institutionId, i, rerender)] : [] }),
          ),
        ),
  );
}

function correctionForm(institutionId: string, item: OversightItemView, done: () => void): HTMLElement {
  const text = h('textarea', {
    rows: 3,
    maxlength: '5000',
    'aria-label': '整改情况 Correction',
    placeholder: '整改措施和结果 What was corrected and how',
  });
  const files = h('input', {
    type: 'file',
    multiple: true,
    accept: 'image/jpeg,image/png,application/pdf',
    'aria-label': '整改证据 Evidence files',
  });
  const err = errSlot();
  const btn = h('button', { type: 'submit' }, '提交整改 Submit correction');
  const form = h(
    'form',
    { class: 'mini-form', 'data-testid': 'correction-form' },
    h('h4', {}, '提交整改 Submit a correction'),
    text,
    h(
      'label',
      {},
      '证据文件（JPEG、PNG 或 PDF，每个不超过 5 MB） Evidence (JPEG, PNG or PDF, 5 MB each)',
      files,
    ),
    h('div', { class: 'actions' }, btn),
    err,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(err, null);
    const body = text.value.trim();
    if (!body) return showError(err, inputError('请填写整改情况', 'Describe the correction'));
    btn.disabled = true;
    void (async () => {
      try {
        const base = `${v1}/institutions/${institutionId}/oversight-items/${item.id}`;
        const evidenceIds: string[] = [];
        for (const f of [...(files.files ?? [])]) {
          const r = await api.call<{ id: string }>('POST', `${base}/evidence`, {
            rawBody: f,
            headers: { 'content-type': f.type || 'application/octet-stream' },
          });
          evidenceIds.push(r.id);
        }
        await api.call('POST', `${base}/corrections`, { body: { text: body, evidenceIds } });
        done();
      } catch (ex) {
        showError(err, ex);
      } finally {
        btn.disabled = false;
      }
    })();
  });
  return form;
}
