// JS-7.3 / QM-4: the proctoring review of an exam (#/proctoring/:classId/:examId): the attempts with
// flags or stills, flagged first; each with its timeline of flags (China time, zh/en labels, as the
// API words them), the server's stills with their verdicts, and — for the class's manager or
// instructor — the two decisions (cleared / violation, with a note). A violation is reported to the
// maritime authority as an exam-discipline item (the server opens it; the page shows what it says).
import type { ProctoredAttemptView, ProctoringListView, ReviewDecision } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';

const urls = new Set<string>();
const revoke = () => {
  for (const u of urls) URL.revokeObjectURL(u);
  urls.clear();
};

const STATE_CLASS: Record<string, string> = {
  flagged: 'st-pending',
  violation: 'st-rejected',
  cleared: 'st-confirmed',
  none: '',
};

export async function proctoringView(
  view: HTMLElement,
  classId: string,
  examId: string,
  isStale: () => boolean,
): Promise<void> {
  revoke();
  const err = errSlot();
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const title = h('h2', {}, '监考复核 Proctoring review');
  view.replaceChildren(
    h('div', { class: 'page-head' }, title, h('a', { href: `#/class/${classId}` }, '← 返回 Back')),
    h(
      'p',
      { class: 'hint' },
      '考试期间记录的异常（切换页面、粘贴、另一设备、摄像头关闭）及服务器随机抓拍。请逐一复核：排除，或认定违纪（将报送海事管理机构）。 ' +
        'Events recorded during the exam (page hidden, paste, another device, camera off) and the server’s random stills. Review each: clear it, or find a violation (reported to the maritime authority).',
    ),
    err,
    body,
  );
  let data: ProctoringListView;
  try {
    data = await api.proctoring.list(classId, examId);
  } catch (e) {
    showError(err, e);
    body.replaceChildren();
    return;
  }
  if (isStale()) return;
  title.textContent = `监考复核 Proctoring review · ${data.title}`;
  const rerender = () => void proctoringView(view, classId, examId, isStale);
  body.replaceChildren(
    section(
      null,
      h(
        'p',
        { 'data-testid': 'proctoring-summary' },
        `考生 Attempts: ${data.counts.attempts} · `,
        h('span', { class: 'badge st-pending' }, `待复核 Flagged: ${data.counts.flagged}`),
        h('span', { class: 'badge st-rejected' }, `认定违纪 Violations: ${data.counts.violations}`),
        ' · ',
        data.camera ? '须开摄像头 Camera required' : '不要求摄像头 Camera not required',
        ` · 每人随机抓拍 ${data.stillsPerAttempt} 张 Stills per attempt: ${data.stillsPerAttempt}`,
      ),
    ),
    data.items.length === 0
      ? section(null, h('p', { class: 'muted' }, '暂无监考记录 Nothing recorded'))
      : h(
          'div',
          {},
          data.items.map((a) => attemptCard(classId, examId, a, data.canReview, rerender)),
        ),
  );
}

function attemptCard(
  classId: string,
  examId: string,
  a: ProctoredAttemptView,
  canReview: boolean,
  rerender: () => void,
): HTMLElement {
  const err = errSlot();
  const timeline = h(
    'ol',
    { class: 'proctor-timeline', style: 'margin:0.25rem 0 0.75rem;padding-left:1.25rem' },
    a.flags.map((f) =>
      h(
        'li',
        { 'data-kind': f.kind, style: 'margin:0.15rem 0' },
        h('strong', {}, f.atText),
        ' ',
        `${f.kindLabel.zh} ${f.kindLabel.en}`,
        f.count > 1 ? h('span', { class: 'badge' }, `×${f.count}（至 until ${f.lastAtText}）`) : null,
        h('span', { class: 'muted' }, ` · ${f.sourceLabel.zh} ${f.sourceLabel.en}`),
      ),
    ),
  );
  const stills = h(
    'div',
    { class: 'proctor-stills', style: 'display:flex;flex-wrap:wrap;gap:0.75rem' },
    a.stills.map((s) => {
      const holder = h(
        'div',
        {
          style:
            'width:160px;height:120px;background:#eceff2;display:flex;align-items:center;justify-content:center;border-radius:4px;overflow:hidden',
        },
        s.evidenceId ? '加载中… Loading…' : '未能抓拍 Not taken',
      );
      if (s.evidenceId)
        api.proctoring
          .still(classId, examId, a.attemptId, s.id)
          .then(({ blob }) => {
            const url = URL.createObjectURL(blob);
            urls.add(url);
            holder.replaceChildren(
              h('img', {
                src: url,
                alt: `抓拍 Still ${s.takenAtText}`,
                style: 'width:100%;height:100%;object-fit:cover',
              }),
            );
          })
          .catch(() => (holder.textContent = '无法加载 Not loaded'));
      const bad = s.verdict !== 'ok' && s.verdict !== 'pending';
      return h(
        'figure',
        { style: 'margin:0;width:160px', 'data-still': s.id },
        holder,
        h(
          'figcaption',
          { style: 'font-size:0.8rem' },
          s.takenAtText,
          h('br'),
          h(
            'span',
            { class: `badge ${bad ? 'st-rejected' : s.verdict === 'ok' ? 'st-confirmed' : 'st-pending'}` },
            `${s.verdictLabel.zh} ${s.verdictLabel.en}`,
          ),
        ),
      );
    }),
  );

  let decision: HTMLElement | null = null;
  if (a.review)
    decision = h(
      'div',
      { 'data-testid': 'review-result' },
      h(
        'p',
        {},
        h('strong', {}, `${a.review.decisionLabel.zh} ${a.review.decisionLabel.en}`),
        ` · ${a.review.reviewedByName} · ${a.review.reviewedAtText}`,
      ),
      h('p', {}, a.review.note),
      a.review.oversightItemId
        ? h(
            'p',
            { class: 'muted' },
            '已作为考试违纪报送海事管理机构 Reported to the maritime authority as an exam-discipline violation',
          )
        : null,
    );
  else if (canReview && a.reviewState === 'flagged') {
    const note = h('textarea', {
      rows: '2',
      maxlength: '2000',
      placeholder: '复核说明（必填）Note (required)',
      style: 'width:100%',
    });
    const decide = (d: ReviewDecision) => async () => {
      const text = note.value.trim();
      if (!text) throw inputError('请填写复核说明', 'Write a note');
      await api.proctoring.review(classId, examId, a.attemptId, { decision: d, note: text });
      rerender();
    };
    decision = h(
      'div',
      { class: 'review-form' },
      note,
      h(
        'div',
        { style: 'display:flex;gap:0.5rem;margin-top:0.5rem' },
        actionButton('排除 Clear', decide('cleared'), { errEl: err, cls: 'secondary' }),
        actionButton('认定违纪 Violation', decide('violation'), { errEl: err, cls: 'danger' }),
      ),
    );
  }

  return section(
    h(
      'span',
      {},
      `${a.candidateName}`,
      h('span', { class: 'muted' }, ` · 第 ${a.attemptNo} 次 Attempt ${a.attemptNo} · `),
      `${a.statusLabel.zh} ${a.statusLabel.en} `,
      h(
        'span',
        { class: `badge ${STATE_CLASS[a.reviewState] ?? ''}`, 'data-testid': 'review-state' },
        `${a.reviewStateLabel.zh} ${a.reviewStateLabel.en}`,
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `开考 Started ${a.startedAtText}`,
      a.submittedAtText ? ` · 交卷 Submitted ${a.submittedAtText}` : '',
      ` · 异常 ${a.flagCount} 次 Events: ${a.flagCount}`,
    ),
    a.flags.length ? h('h4', {}, '监考记录 Timeline') : null,
    a.flags.length ? timeline : null,
    a.stills.length ? h('h4', {}, '随机抓拍 Stills') : null,
    a.stills.length ? stills : null,
    err,
    decision,
  );
}
