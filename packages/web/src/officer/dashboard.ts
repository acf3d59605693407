// JS-16: the officer's dashboard of the jurisdiction, on the officer's home: classes live now (with the
// way to sit in and the monitoring wall), attendance anomalies of the last 7 days, and overdue
// rectifications. What counts as an anomaly is decided by the API (core's rules); this only shows it.
import {
  ANOMALY_KIND_LABELS,
  type AnomalyView,
  type LiveClassView,
  type OfficerDashboardView,
} from '@seafarer/contracts';
import { api } from '../shared/api';
import { h, section, type Child } from '../shared/dom';
import { showError } from '../shared/errors';
import { fmtDateTime, label } from '../shared/format';

/** A table that a phone shows as one card per row (app.css `table.cards`), every cell labelled. */
export function cardsTable(heads: string[], rows: Child[][], testId?: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards', ...(testId && { 'data-testid': testId }) },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          heads.map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) => h('td', { 'data-label': heads[i] ?? '' }, c)),
          ),
        ),
      ),
    ),
  );
}

const hhmm = (iso: string) => fmtDateTime(iso).slice(-5);

/** The room page as a hidden observer (JS-16: sit in unseen). */
export const sitInHref = (l: Pick<LiveClassView, 'classId' | 'sessionId'>) =>
  `./room.html?class=${l.classId}&session=${l.sessionId}`;

/** Where an anomaly leads: the trainee's evidence timeline when it is one person's, else the class. */
export const anomalyHref = (a: AnomalyView) =>
  a.accountId ? `#/timeline/${a.classId}/${a.accountId}` : `#/class/${a.classId}`;

export function headCount(l: LiveClassView): string {
  return `在线 ${l.traineesPresent}/${l.rosterCount} 人 · present ${l.traineesPresent} of ${l.rosterCount}`;
}

function liveTable(live: LiveClassView[]): HTMLElement {
  if (live.length === 0) return h('p', { class: 'muted' }, '辖区内当前没有直播课 No class is live now');
  return cardsTable(
    [
      '机构 Institution',
      '班级 Class',
      '课次 Session',
      '教员 Instructor',
      '在线 Present',
      '异常 Anomalies',
      '',
    ],
    live.map((l) => [
      l.institutionNameZh,
      h('a', { href: `#/class/${l.classId}` }, `${l.classCode} ${l.className}`),
      `第 ${l.sessionSeq} 次 ${hhmm(l.startsAt)}–${hhmm(l.endsAt)} · ${l.topic}`,
      `${l.instructorName}${l.instructorPresent ? '' : '（未进入 not in the room）'}`,
      headCount(l),
      l.anomalies.length
        ? h('span', { class: 'badge st-rejected' }, `${l.anomalies.length} 项 items`)
        : h('span', { class: 'muted' }, '无 none'),
      h('a', { class: 'button small', href: sitInHref(l) }, '旁听 Sit in'),
    ]),
    'dash-live',
  );
}

function anomalyTable(items: AnomalyView[]): HTMLElement {
  if (items.length === 0)
    return h('p', { class: 'muted' }, '近 7 天没有考勤异常 No attendance anomalies in the last 7 days');
  return cardsTable(
    ['时间 When', '类别 Kind', '学员 Trainee', '班级 Class', '情况 What happened', ''],
    items.map((a) => [
      fmtDateTime(a.at),
      h('span', { class: 'badge st-pending' }, label(ANOMALY_KIND_LABELS, a.kind)),
      a.traineeName ?? '—',
      h(
        'a',
        { href: `#/class/${a.classId}` },
        `${a.classCode} ${a.className}${a.sessionSeq ? ` 第 ${a.sessionSeq} 次课` : ''}`,
      ),
      h('span', {}, a.detail.zh, h('br'), h('small', { class: 'muted' }, a.detail.en)),
      a.accountId ? h('a', { href: anomalyHref(a) }, '证据时间线 Timeline') : null,
    ]),
    'dash-anomalies',
  );
}

function overdueTable(d: OfficerDashboardView): HTMLElement {
  if (d.overdue.length === 0) return h('p', { class: 'muted' }, '没有逾期未整改的事项 Nothing overdue');
  return cardsTable(
    ['机构 Institution', '事项 Item', '整改期限 Deadline', '逾期标记 Flagged', ''],
    d.overdue.map((o) => [
      o.institutionNameZh,
      o.title,
      o.deadline ?? '—',
      fmtDateTime(o.overdueAt),
      h('a', { href: `#/findings/${o.institutionId}` }, '查看 Open'),
    ]),
    'dash-overdue',
  );
}

/** The dashboard's sections, filled from GET /officer/dashboard (the home's other sections stay). */
export function dashboardSections(stale: () => boolean): HTMLElement {
  const box = h(
    'div',
    { 'data-testid': 'officer-dashboard' },
    h('p', { class: 'muted' }, '加载中… Loading…'),
  );
  void (async () => {
    let d: OfficerDashboardView;
    try {
      d = await api.call<OfficerDashboardView>('GET', '/api/v1/officer/dashboard');
    } catch (e) {
      if (!stale()) showError(box, e);
      return;
    }
    if (stale()) return;
    box.replaceChildren(
      h(
        'p',
        { class: 'info', 'data-testid': 'dash-summary' },
        `直播中 ${d.live.length} 个班 live · 待确认备案 ${d.filings.length} 份 filings waiting · 近 7 天考勤异常 ${d.anomalies.length} 项 anomalies · 逾期整改 ${d.overdue.length} 项 overdue`,
        h('br'),
        h('small', { class: 'muted' }, `更新于 As of ${fmtDateTime(d.generatedAt)}（北京时间 China time）`),
      ),
      h(
        'p',
        { class: 'actions' },
        h('a', { class: 'button', href: './wall.html' }, '监控墙 Monitoring wall'),
        h('a', { class: 'button secondary', href: '#/supervision' }, '录像抽查 Recording reviews'),
      ),
      section(`直播中的班级 Live now（${d.live.length}）`, liveTable(d.live)),
      section(
        `考勤异常（近 7 天）Attendance anomalies, last 7 days（${d.anomalies.length}）`,
        anomalyTable(d.anomalies),
      ),
      section(`逾期未整改 Overdue rectifications（${d.overdue.length}）`, overdueTable(d)),
    );
  })();
  return box;
}
