// JS-13.2 / JS-15: the attendance sheet of a class on screen, one day at a time: per trainee the
// session's minutes, lateness, early leaving, roll-calls and spot checks with what they withhold, and
// the hours credited so far. A phone shows one card per trainee (app.css `table.cards`). Withheld items
// get 判定 Decide (class managers and admins); trainees below the required share are highlighted. All
// figures and words come from the API (core's credited-hours rule); this page only lays them out.
import type {
  AttendanceCheckView,
  ClassAttendanceView,
  SessionAttendanceView,
  TraineeAttendanceRow,
} from '@seafarer/contracts';
import { api, download } from '../shared/api';
import { errSlot, h, section, type Child } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';
import { chinaToday } from '../shared/format';

const HEADS = [
  '姓名 Name',
  '课次 Session',
  '出勤 Attendance',
  '点名与抽查 Roll-calls and checks',
  '认定学时 Hours credited',
  '证据 Evidence',
];

/** The day to show first: today when it has a session, else the last session day before it, else the first. */
function defaultDay(days: string[]): string | null {
  const today = chinaToday();
  if (days.includes(today)) return today;
  return [...days].reverse().find((d) => d < today) ?? days[0] ?? null;
}

function decideForm(
  classId: string,
  row: TraineeAttendanceRow,
  c: AttendanceCheckView,
  refresh: () => Promise<void>,
): HTMLElement {
  const box = h('div', { class: 'decide', hidden: true });
  const err = errSlot();
  const note = h('textarea', { rows: '2', maxlength: '500', placeholder: '判定说明（必填）Note (required)' });
  const send = async (decision: 'credit' | 'withhold') => {
    if (!note.value.trim()) {
      showError(err, inputError('请填写判定说明', 'Enter a note'));
      note.focus();
      return;
    }
    if (c.review)
      await api.call('POST', `/api/v1/classes/${classId}/attendance-reviews/${c.review.id}/decision`, {
        body: { decision, note: note.value.trim() },
      });
    else
      await api.call('POST', `/api/v1/classes/${classId}/attendance-reviews`, {
        body: {
          subjectKind: c.kind,
          subjectId: c.subjectId,
          accountId: row.accountId,
          decision,
          note: note.value.trim(),
        },
      });
    await refresh();
  };
  box.append(
    h('label', {}, '判定说明 Note', note),
    h(
      'div',
      { class: 'actions' },
      actionButton('认定学时 Credit', () => send('credit'), { errEl: err, cls: 'ok' }),
      actionButton('不予认定 Withhold', () => send('withhold'), { errEl: err, cls: 'danger' }),
    ),
    err,
  );
  const open = h(
    'button',
    {
      type: 'button',
      class: 'secondary decide-open',
      onclick: () => {
        open.hidden = true;
        box.hidden = false;
        note.focus();
      },
    },
    '判定 Decide',
  );
  return h('span', {}, open, box);
}

function checkLine(
  classId: string,
  row: TraineeAttendanceRow,
  c: AttendanceCheckView,
  canDecide: boolean,
  refresh: () => Promise<void>,
): HTMLElement {
  const withheld = c.state === 'pending' || c.state === 'withheld';
  return h(
    'div',
    { class: 'check', 'data-state': c.state, style: withheld ? 'color:#8a1c14' : undefined },
    `${c.time} ${c.kindLabel.zh}：${c.resultLabel.zh} ${c.resultLabel.en}`,
    c.state !== 'none'
      ? h(
          'div',
          { class: 'muted' },
          `${c.stateLabel.zh} ${c.stateLabel.en}`,
          c.withheldMinutes ? ` · ${c.withheldMinutes} 分钟 min` : '',
        )
      : null,
    c.review?.appealText ? h('div', { class: 'muted' }, `申诉 Appeal：${c.review.appealText}`) : null,
    c.review?.decisionNote ? h('div', { class: 'muted' }, `判定说明 Note：${c.review.decisionNote}`) : null,
    canDecide && c.state === 'pending' && row.accountId ? decideForm(classId, row, c, refresh) : null,
  );
}

function rowCells(
  v: ClassAttendanceView,
  t: TraineeAttendanceRow,
  s: SessionAttendanceView | undefined,
  opts: { canDecide: boolean; timelineHref: (accountId: string) => string; refresh: () => Promise<void> },
): Child[] {
  const pct = Math.round(v.requiredRatio * 100);
  const ratio = t.totals.ratio === null ? '—' : `${Math.round(t.totals.ratio * 100)}%`;
  return [
    h('strong', {}, t.name),
    s ? `第 ${s.seq} 次 ${s.start}–${s.end}` : '—',
    s
      ? h(
          'span',
          {},
          h('div', {}, `${s.status.zh} ${s.status.en}`),
          h(
            'div',
            { class: 'muted' },
            s.firstPresent ? `在线 Online ${s.firstPresent}–${s.lastPresent} · ` : '',
            `${s.presentMinutes} 分钟 min`,
          ),
        )
      : '—',
    s && s.checks.length
      ? s.checks.map((c) => checkLine(v.classId, t, c, opts.canDecide, opts.refresh))
      : '—',
    h(
      'span',
      {},
      s ? h('div', {}, `本次 This session ${s.creditedHours} 学时 h（${s.creditedMinutes} 分钟 min）`) : null,
      h(
        'div',
        { class: 'muted' },
        `累计 So far ${t.totals.creditedHours} / ${t.totals.plannedHours} 学时 h · ${ratio}`,
      ),
      t.totals.flagged
        ? h(
            'span',
            { class: 'badge flag', style: 'background:#b3261e;color:#fff' },
            `低于 ${pct}% Below ${pct} %`,
          )
        : null,
    ),
    t.accountId
      ? h('a', { href: opts.timelineHref(t.accountId), class: 'timeline-link' }, '时间线 Timeline')
      : '—',
  ];
}

/**
 * Renders the attendance tab into `panel`. `canDecide`: the class manager's and admin's Decide buttons.
 * `timelineHref`: where a trainee's evidence timeline opens on this page.
 */
export async function attendanceTab(
  panel: HTMLElement,
  classId: string,
  opts: {
    canDecide: boolean;
    timelineHref: (accountId: string) => string;
    stale?: () => boolean;
    day?: string;
  },
): Promise<void> {
  panel.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let v: ClassAttendanceView;
  try {
    v = await api.call<ClassAttendanceView>('GET', `/api/v1/classes/${classId}/attendance`);
  } catch (err) {
    const box = h('div', {});
    panel.replaceChildren(box);
    showError(box, err);
    return;
  }
  if (opts.stale?.()) return;
  const days = [...new Set(v.sessions.map((s) => s.date))].sort();
  const day = opts.day && days.includes(opts.day) ? opts.day : defaultDay(days);
  const refresh = () => attendanceTab(panel, classId, { ...opts, day: day ?? undefined });
  const err = errSlot();
  const picker = h(
    'select',
    {
      'data-testid': 'attendance-day',
      onchange: () => void attendanceTab(panel, classId, { ...opts, day: picker.value }),
    },
    days.map((d) => h('option', { value: d, selected: d === day }, d)),
  );
  const sessionsOfDay = new Set(v.sessions.filter((s) => s.date === day).map((s) => s.sessionId));
  const rows: HTMLTableRowElement[] = [];
  for (const t of v.trainees) {
    const todays = t.sessions.filter((s) => sessionsOfDay.has(s.sessionId));
    for (const s of todays.length ? todays : [undefined]) {
      const cells = rowCells(v, t, s, { ...opts, refresh });
      rows.push(
        h(
          'tr',
          {
            'data-account': t.accountId ?? '',
            'data-flagged': String(t.totals.flagged),
            class: t.totals.flagged ? 'flagged' : undefined,
            style: t.totals.flagged ? 'background:#fdecea' : undefined,
          },
          cells.map((c, i) => h('td', { 'data-label': HEADS[i] ?? '' }, c)),
        ),
      );
    }
  }
  const flagged = v.trainees.filter((t) => t.totals.flagged).length;
  panel.replaceChildren(
    section(
      '考勤表 Attendance sheet',
      h(
        'div',
        { class: 'actions' },
        h('label', {}, '日期 Date ', picker),
        actionButton(
          '下载当日考勤表 Download the day (XLSX)',
          () =>
            download(
              api.blob('GET', `/api/v1/classes/${classId}/attendance.xlsx`, {
                query: { date: day ?? undefined },
              }),
              `${v.classCode}-attendance-${day}.xlsx`,
            ),
          { errEl: err, cls: 'secondary' },
        ),
        actionButton(
          '下载全部 Whole class (XLSX)',
          () =>
            download(
              api.blob('GET', `/api/v1/classes/${classId}/attendance.xlsx`),
              `${v.classCode}-attendance.xlsx`,
            ),
          { errEl: err, cls: 'secondary' },
        ),
      ),
      err,
      flagged
        ? h(
            'p',
            { class: 'warn', 'data-testid': 'attendance-flagged' },
            `${flagged} 名学员认定学时低于已上课时的 ${Math.round(v.requiredRatio * 100)}% · ${flagged} trainee(s) credited with less than ${Math.round(v.requiredRatio * 100)} % of the teaching held`,
          )
        : null,
      days.length === 0
        ? h('p', { class: 'muted' }, '暂无课次 No sessions')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'cards', 'data-testid': 'attendance-table' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  HEADS.map((t) => h('th', {}, t)),
                ),
              ),
              h('tbody', {}, rows),
            ),
          ),
      h('p', { class: 'hint' }, h('strong', {}, '学时认定规则 Rule：'), v.rule.zh, h('br'), v.rule.en),
    ),
  );
}
