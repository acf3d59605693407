// JS-16 / JS-15: one trainee's evidence timeline in one class, for the class manager and the officer
// (routes #/timeline/:classId/:accountId on both pages) and the trainee (their own). Everything on it
// comes from the API in order, in China time; each moment the recording has opens the replay there
// ("未应答 10:42" → one click to the video at 10:42).
import type { TimelineEntry, TimelineView } from '@seafarer/contracts';
import { api } from './api';
import { h, section } from './dom';
import { showError } from './errors';
import { evidenceFigure } from './ui';

const KIND_CLASS: Record<TimelineEntry['kind'], string> = {
  presence: 'tl-presence',
  roll_call: 'tl-check',
  spot_check: 'tl-check',
  identity: 'tl-identity',
  appeal: 'tl-review',
  decision: 'tl-review',
  interaction: 'tl-interaction',
  quiz: 'tl-quiz',
};

/** Codes of the moments a reader should not miss: what withholds minutes, what ends presence. */
const ALARMING = new Set([
  'absent',
  'camera_off',
  'not_in_room',
  'mismatch',
  'no_face',
  'network.drop',
  'removed',
]);

function entryRow(e: TimelineEntry): HTMLElement {
  const hhmmss = e.time.slice(11, 19);
  const photo = h('div', {});
  return h(
    'li',
    {
      class: `tl-entry ${KIND_CLASS[e.kind]}${ALARMING.has(e.event) ? ' alarm' : ''}`,
      'data-event': e.event,
      style: ALARMING.has(e.event)
        ? 'border-left:4px solid #b3261e;padding-left:.5rem'
        : 'padding-left:.5rem',
    },
    h(
      'div',
      {},
      h('strong', { class: 'tl-time' }, hhmmss),
      ' ',
      h('span', { class: 'tl-label' }, `${e.label.zh} ${e.label.en}`),
    ),
    h(
      'div',
      { class: 'muted' },
      e.time.slice(0, 10),
      e.sessionSeq !== null ? ` · 第 ${e.sessionSeq} 次课 session ${e.sessionSeq}` : '',
      e.detail ? ` · ${e.detail}` : '',
    ),
    h(
      'div',
      { class: 'actions' },
      e.replayLink
        ? h(
            'a',
            { class: 'button secondary replay', href: e.replayLink, 'data-offset': String(e.replayOffsetS) },
            `▶ 回放 ${hhmmss.slice(0, 5)} Replay at ${hhmmss.slice(0, 5)}`,
          )
        : null,
      e.evidenceId
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: (ev: Event) => {
                (ev.currentTarget as HTMLButtonElement).hidden = true;
                photo.replaceChildren(evidenceFigure(e.evidenceId, `抓拍 Still ${hhmmss}`));
              },
            },
            '查看抓拍 View still',
          )
        : null,
    ),
    photo,
  );
}

/** Renders the timeline into `view`; `accountId` null reads the trainee's own. */
export async function timelineView(
  view: HTMLElement,
  classId: string,
  accountId: string | null,
  opts: { back?: string; stale?: () => boolean } = {},
): Promise<void> {
  view.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let tl: TimelineView;
  try {
    tl = await api.call<TimelineView>(
      'GET',
      accountId
        ? `/api/v1/classes/${classId}/trainees/${accountId}/timeline`
        : `/api/v1/me/classes/${classId}/timeline`,
    );
  } catch (err) {
    const box = h('div', {});
    view.replaceChildren(box);
    showError(box, err);
    return;
  }
  if (opts.stale?.()) return;
  view.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h2', { 'data-testid': 'timeline-name' }, `${tl.name} · 证据时间线 Evidence timeline`),
        h('p', { class: 'muted' }, `${tl.className}（${tl.classCode}）· 北京时间 China time`),
      ),
      opts.back ? h('a', { href: opts.back }, '← 返回 Back') : null,
    ),
    section(
      null,
      tl.entries.length === 0
        ? h('p', { class: 'muted' }, '暂无记录 Nothing on record yet')
        : h(
            'ol',
            {
              class: 'timeline',
              'data-testid': 'timeline',
              style: 'list-style:none;padding:0;display:grid;gap:.6rem',
            },
            tl.entries.map(entryRow),
          ),
    ),
  );
}
