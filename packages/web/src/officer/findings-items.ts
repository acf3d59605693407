// JS-17: what the officer's and the institution's findings pages both show of one item: its kind, its
// deadline with the days left (or 已逾期 overdue, as the server computed it from the China date), its
// corrections with their evidence (loaded on demand: every view is audited) and the decisions.
import {
  CORRECTION_DECISION_LABELS,
  OVERSIGHT_ITEM_KIND_LABELS,
  OVERSIGHT_ITEM_STATUS_LABELS,
  type CorrectionView,
  type OversightItemView,
} from '@seafarer/contracts';
import { api } from '../shared/api';
import { h, type Child } from '../shared/dom';
import { errorText } from '../shared/errors';
import { fmtDateTime, label } from '../shared/format';
import { dl } from '../shared/ui';

const objectUrls = new Set<string>();
/** Frees the evidence previews of the page left. */
export function revokeEvidenceUrls(): void {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls.clear();
}

const STATUS_CLASS: Record<string, string> = {
  open: 'st-pending',
  correction_submitted: 'st-pending_review',
  accepted: 'st-confirmed',
  closed: 'st-superseded',
};

/** The deadline as a person reads it: the date (China), then days left, due today, or overdue. */
export function deadlineText(
  i: Pick<OversightItemView, 'deadline' | 'daysLeft' | 'overdue' | 'status'>,
): Child {
  if (!i.deadline) return '未设定 None';
  const settled = i.status === 'accepted' || i.status === 'closed';
  const when =
    settled || i.daysLeft === null
      ? null
      : i.overdue
        ? h('span', { class: 'badge st-rejected' }, `已逾期 ${-i.daysLeft} 天 Overdue by ${-i.daysLeft} d`)
        : i.daysLeft === 0
          ? h('span', { class: 'badge st-pending' }, '今天到期 Due today')
          : h('span', { class: 'badge' }, `剩余 ${i.daysLeft} 天 ${i.daysLeft} days left`);
  return h('span', {}, `${i.deadline}（北京时间 China date） `, when);
}

export const statusBadge = (status: string): HTMLSpanElement =>
  h('span', { class: `badge ${STATUS_CLASS[status] ?? ''}` }, label(OVERSIGHT_ITEM_STATUS_LABELS, status));

/** One evidence file: a button that loads it (image shown, PDF opened as a link). */
function evidenceLink(e: CorrectionView['evidence'][number], n: number): HTMLElement {
  const box = h('span', { class: 'evidence-file' });
  const kind = e.mimeType === 'application/pdf' ? 'PDF' : '图片 Image';
  const btn = h(
    'button',
    { type: 'button', class: 'link-btn' },
    `查看证据 ${n} View evidence ${n}（${kind}）`,
  );
  btn.addEventListener('click', () => {
    btn.disabled = true;
    api.evidence
      .get(e.id)
      .then(({ blob }) => {
        const url = URL.createObjectURL(blob);
        objectUrls.add(url);
        box.replaceChildren(
          e.mimeType.startsWith('image/')
            ? h('img', {
                src: url,
                alt: `整改证据 ${n} Evidence ${n}`,
                class: 'evidence-img',
                style: 'max-width: 100%; max-height: 16rem; display: block',
              })
            : h('a', { href: url, target: '_blank', rel: 'noopener' }, `打开 PDF ${n} Open PDF ${n}`),
        );
      })
      .catch((err: unknown) => {
        btn.disabled = false;
        box.append(h('span', { class: 'error' }, errorText(err)));
      });
  });
  box.append(btn, h('span', { class: 'muted' }, ` SHA-256 ${e.sha256.slice(0, 12)}…`));
  return box;
}

/** The corrections of an item, oldest first; `decide` adds the officer's buttons to a pending one. */
export function correctionList(
  i: OversightItemView,
  decide?: (c: CorrectionView) => HTMLElement,
): HTMLElement {
  if (i.corrections.length === 0) return h('p', { class: 'muted' }, '尚未提交整改 No correction yet');
  return h(
    'ol',
    { class: 'corrections' },
    i.corrections.map((c) =>
      h(
        'li',
        { 'data-testid': 'correction' },
        h(
          'p',
          {},
          h('strong', {}, `${c.submittedByName} `),
          h('span', { class: 'muted' }, `${fmtDateTime(c.submittedAt)} 提交 submitted`),
          ' ',
          h(
            'span',
            {
              class: `badge ${c.decision === 'accepted' ? 'st-confirmed' : c.decision === 'rejected' ? 'st-rejected' : 'st-pending_review'}`,
            },
            label(CORRECTION_DECISION_LABELS, c.decision ?? 'pending'),
          ),
        ),
        h('p', { class: 'pre' }, c.text),
        c.evidence.length
          ? h(
              'div',
              { class: 'evidence-list' },
              c.evidence.map((e, n) => evidenceLink(e, n + 1)),
            )
          : h('p', { class: 'muted' }, '未附证据 No evidence files'),
        c.decision
          ? h(
              'p',
              { class: 'muted' },
              `审核意见 Decision note（${c.decidedByName ?? '—'}，${fmtDateTime(c.decidedAt)}）：${c.decisionNote ?? ''}`,
            )
          : decide
            ? decide(c)
            : null,
      ),
    ),
  );
}

/** The card of one item; `decide` puts the officer's decision on a pending correction, `actions` the role's forms. */
export function itemCard(
  i: OversightItemView,
  opts: { decide?: (c: CorrectionView) => HTMLElement; actions?: Child[]; showInstitution?: boolean } = {},
): HTMLElement {
  return h(
    'div',
    { class: 'card oversight-item', 'data-testid': 'oversight-item', 'data-item-id': i.id },
    h(
      'div',
      { class: 'card-head' },
      h('h3', {}, `${label(OVERSIGHT_ITEM_KIND_LABELS, i.kind)}：${i.title}`),
      statusBadge(i.status),
    ),
    dl([
      opts.showInstitution ? ['培训机构 Institution', `${i.institutionNameZh} ${i.institutionNameEn}`] : null,
      ['发生日期 Occurred on', `${i.occurredOn}（北京时间 China date）`],
      ['整改期限 Deadline', deadlineText(i)],
      ['记录人 Recorded by', `${i.recordedByName} · ${fmtDateTime(i.createdAt)}`],
    ]),
    h('p', { class: 'pre' }, i.detail),
    h('h4', {}, '整改情况 Corrections'),
    correctionList(i, opts.decide),
    ...(opts.actions ?? []),
  );
}
