// JS-15: on the trainee's class card, the hours credited by the rule and each roll-call or spot check that
// withholds minutes, with its appeal state; a pending one can be appealed once (申诉 Appeal) with a reason.
// Credited minutes and what may be appealed come from the API (GET /me/classes/:classId/attendance).
import type { OwnWithheldItem, TraineeAttendanceView } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h } from '../shared/dom';
import { actionButton, inputError } from '../shared/errors';
import { fmtMinutesAsHours } from '../shared/format';

function itemLine(classId: string, w: OwnWithheldItem, refresh: () => Promise<void>): HTMLElement {
  const err = errSlot();
  const text = h('textarea', {
    rows: '2',
    maxlength: '1000',
    placeholder: '申诉理由（必填）Reason (required)',
  });
  const form = h(
    'div',
    { class: 'appeal-form', hidden: true },
    h('label', {}, '申诉理由 Reason', text),
    actionButton(
      '提交申诉 Submit appeal',
      async () => {
        if (!text.value.trim()) throw inputError('请填写申诉理由', 'Enter a reason');
        await api.call('POST', `/api/v1/me/classes/${classId}/attendance-appeals`, {
          body: { subjectKind: w.kind, subjectId: w.subjectId, text: text.value.trim() },
        });
        await refresh();
      },
      { errEl: err },
    ),
    err,
  );
  const open = h(
    'button',
    {
      type: 'button',
      class: 'secondary appeal-open',
      onclick: () => {
        open.hidden = true;
        form.hidden = false;
        text.focus();
      },
    },
    '申诉 Appeal',
  );
  const appealState = w.review?.decision
    ? `${w.review.decisionLabel?.zh ?? ''} ${w.review.decisionLabel?.en ?? ''}${w.review.decisionNote ? `：${w.review.decisionNote}` : ''}`
    : w.review?.appealedAt
      ? '已申诉，待班主任判定 Appealed; awaiting the class manager'
      : null;
  return h(
    'li',
    { 'data-subject': w.subjectId, 'data-state': w.state },
    h('strong', {}, `${w.date} ${w.time}`),
    ` ${w.kindLabel.zh}：${w.resultLabel.zh} ${w.resultLabel.en} · ${w.stateLabel.zh} ${w.stateLabel.en}`,
    w.withheldMinutes ? `（${w.withheldMinutes} 分钟 min）` : '',
    appealState ? h('div', { class: 'muted appeal-state' }, appealState) : null,
    w.mayAppeal ? h('div', {}, open, form) : null,
  );
}

/** The credited line and the withheld items of one class card; re-reads itself after an appeal. */
export function creditedBox(classId: string, att: TraineeAttendanceView): HTMLElement {
  const box = h('div', { class: 'credited', 'data-testid': 'credited' });
  const render = (a: TraineeAttendanceView) => {
    const refresh = async () => render(await api.classes.myAttendance(classId));
    box.replaceChildren(
      h(
        'p',
        { class: a.flagged ? 'warn' : 'muted', 'data-testid': 'credited-hours' },
        `认定学时 Credited ${fmtMinutesAsHours(a.creditedMinutes)} 学时 h`,
        a.withheldMinutes ? ` · 暂扣 withheld ${a.withheldMinutes} 分钟 min` : '',
        a.flagged ? ' · 低于要求的出勤比例 below the required attendance' : '',
      ),
      a.withheld.length
        ? h(
            'ul',
            { class: 'withheld', 'data-testid': 'withheld' },
            a.withheld.map((w) => itemLine(classId, w, refresh)),
          )
        : '',
    );
  };
  render(att);
  return box;
}
