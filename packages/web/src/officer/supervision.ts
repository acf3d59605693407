// TM-6: the supervision view. Sessions of the jurisdiction with their recording (status, length,
// segments, the gaps and why), who reviewed each recording and when, and the way to watch one (opening
// the replay as an officer logs a review by itself) or to log a review with the stretch watched and a note.
import type { RecordingReviewView, SupervisionSessionView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';
import { chinaToday, fmtDateTime } from '../shared/format';
import { cardsTable } from './dashboard';

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const hhmm = (iso: string) => fmtDateTime(iso).slice(-5);

function minutes(s: number | null): string {
  if (s === null) return '—';
  const m = Math.round(s / 60);
  return `${m} 分钟 min`;
}

function gapList(s: SupervisionSessionView): HTMLElement | string {
  const gaps = s.recording.gaps;
  if (s.recording.status === 'none') return '—';
  if (gaps.length === 0) return h('span', { class: 'muted' }, '无缺口 None');
  return h(
    'ul',
    { class: 'gaps' },
    gaps.map((g) =>
      h(
        'li',
        {},
        `${hhmm(g.from)}${g.to ? `–${hhmm(g.to)}` : ' 起 on'}`,
        g.seconds !== null ? `（${Math.round(g.seconds)} 秒 s）` : '',
        `：${g.reasonLabel.zh} ${g.reasonLabel.en}`,
      ),
    ),
  );
}

function reviewLine(r: RecordingReviewView): HTMLElement {
  const stretch =
    r.fromS !== null || r.toS !== null
      ? ` · 第 ${Math.floor((r.fromS ?? 0) / 60)}–${r.toS !== null ? Math.ceil(r.toS / 60) : '…'} 分钟 min`
      : '';
  return h(
    'li',
    {},
    `${fmtDateTime(r.reviewedAt)} · ${r.reviewerName}${stretch} · `,
    r.note ?? h('span', { class: 'muted' }, '打开回放（自动记录）Opened the replay (logged)'),
  );
}

/** The form that logs a review of one session's recording. */
function reviewForm(s: SupervisionSessionView, onDone: () => void): HTMLElement {
  const err = errSlot();
  const from = h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', placeholder: '0' });
  const to = h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', placeholder: '45' });
  const note = h('textarea', {
    rows: '2',
    maxlength: '2000',
    placeholder: '抽查意见（必填）What you found (required)',
  });
  const num = (i: HTMLInputElement) => (i.value.trim() === '' ? undefined : Number(i.value) * 60);
  return h(
    'details',
    {},
    h('summary', {}, '记录抽查 Log review'),
    h('label', {}, '从第几分钟 From minute', from),
    h('label', {}, '到第几分钟 To minute', to),
    h('label', {}, '意见 Note', note),
    h(
      'div',
      { class: 'actions' },
      actionButton(
        '保存 Save',
        async () => {
          if (!note.value.trim()) {
            showError(err, inputError('请填写抽查意见', 'Write what you found'));
            note.focus();
            return;
          }
          const fromS = num(from);
          const toS = num(to);
          await api.call('POST', `/api/v1/classes/${s.classId}/sessions/${s.sessionId}/recording-reviews`, {
            body: {
              note: note.value.trim(),
              ...(fromS !== undefined && { fromS }),
              ...(toS !== undefined && { toS }),
            },
          });
          onDone();
        },
        { errEl: err },
      ),
    ),
    err,
  );
}

/** #/supervision: the list with its filters (dates, institution, not yet reviewed) and each review log. */
export function supervisionView(view: HTMLElement, stale: () => boolean): void {
  const today = chinaToday();
  const from = h('input', { type: 'date', value: addDays(today, -6), 'aria-label': '开始日期 From' });
  const to = h('input', { type: 'date', value: today, 'aria-label': '结束日期 To' });
  const inst = h('select', { 'aria-label': '机构 Institution' }, h('option', { value: '' }, '全部机构 All'));
  const onlyOpen = h('input', { type: 'checkbox' });
  const err = errSlot();
  const box = h('div', { 'data-testid': 'supervision-list' }, h('p', { class: 'muted' }, '加载中… Loading…'));
  let items: SupervisionSessionView[] = [];

  const render = () => {
    const shown = items.filter(
      (s) => (!inst.value || s.institutionNameZh === inst.value) && (!onlyOpen.checked || !s.reviewed),
    );
    box.replaceChildren(
      shown.length === 0
        ? h('p', { class: 'muted' }, '所选范围内没有课次 No sessions in this range')
        : cardsTable(
            [
              '课次 Session',
              '机构 Institution',
              '班级 Class',
              '录像 Recording',
              '缺口 Gaps',
              '抽查记录 Reviews',
              '',
            ],
            shown.map((s) => [
              `${s.date} ${hhmm(s.startsAt)}–${hhmm(s.endsAt)} · 第 ${s.sessionSeq} 次 · ${s.topic}`,
              s.institutionNameZh,
              h('a', { href: `#/class/${s.classId}` }, `${s.classCode} ${s.className}`),
              h(
                'span',
                {},
                h(
                  'span',
                  {
                    class: `badge st-${s.recording.status === 'ready' ? 'confirmed' : s.recording.status === 'failed' ? 'rejected' : 'pending'}`,
                  },
                  `${s.recording.statusLabel.zh} ${s.recording.statusLabel.en}`,
                ),
                s.recording.status !== 'none'
                  ? ` ${minutes(s.recording.durationS)} · ${s.recording.segments} 段 segments`
                  : '',
                s.recording.error ? h('small', { class: 'muted' }, ` ${s.recording.error}`) : null,
              ),
              gapList(s),
              s.reviews.length
                ? h('ul', { class: 'reviews' }, s.reviews.map(reviewLine))
                : h('span', { class: 'badge st-pending' }, '未抽查 Not reviewed'),
              s.recording.status === 'ready'
                ? h(
                    'span',
                    {},
                    h(
                      'a',
                      {
                        class: 'button small',
                        href: `./replay.html?class=${s.classId}&session=${s.sessionId}`,
                      },
                      '观看回放 Watch',
                    ),
                    reviewForm(s, () => void load()),
                  )
                : s.recording.status === 'none'
                  ? ''
                  : reviewForm(s, () => void load()),
            ]),
            'supervision-table',
          ),
    );
  };

  const load = async () => {
    err.hidden = true;
    if (from.value && to.value && from.value > to.value) {
      showError(err, inputError('开始日期晚于结束日期', 'The start date is after the end date'));
      return;
    }
    try {
      const q = new URLSearchParams({
        ...(from.value && { from: from.value }),
        ...(to.value && { to: to.value }),
      });
      items = (
        await api.call<{ items: SupervisionSessionView[] }>('GET', `/api/v1/officer/sessions?${q.toString()}`)
      ).items;
    } catch (e) {
      if (!stale()) showError(err, e);
      return;
    }
    if (stale()) return;
    const names = [...new Set(items.map((s) => s.institutionNameZh))].sort();
    const keep = inst.value;
    inst.replaceChildren(
      h('option', { value: '' }, '全部机构 All'),
      ...names.map((n) => h('option', { value: n }, n)),
    );
    inst.value = names.includes(keep) ? keep : '';
    render();
  };
  from.addEventListener('change', () => void load());
  to.addEventListener('change', () => void load());
  inst.addEventListener('change', render);
  onlyOpen.addEventListener('change', render);

  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h2', {}, '录像抽查 Recording reviews'),
      h('a', { href: '#/' }, '← 返回 Back'),
    ),
    section(
      null,
      h(
        'p',
        { class: 'hint' },
        '辖区内课次的录像、缺口及原因、抽查记录（时间为北京时间）。打开回放即自动记录一次抽查。 Sessions of the jurisdiction with their recordings, gaps and reviews (China time). Opening a replay logs a review.',
      ),
      h(
        'div',
        { class: 'mini-form' },
        h('label', {}, '从 From', from),
        h('label', {}, '到 To', to),
        h('label', {}, '机构 Institution', inst),
        h('label', {}, onlyOpen, ' 仅未抽查 Not reviewed only'),
      ),
      err,
    ),
    section('课次与录像 Sessions and recordings', box),
  );
  void load();
}
