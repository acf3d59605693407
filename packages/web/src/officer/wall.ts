// JS-16: the monitoring wall (the seeds' main venue watching its branch venues). Every class live now in
// the officer's jurisdiction at once: a moving thumbnail of the instructor's camera at the lowest
// simulcast layer, the head count, the session's anomalies, and one click to sit in. Each tile is a
// hidden observer (the officer's join grant) receiving the instructor's camera only, and it reports its
// small width in 'stats.report' so the SFU sends it spatial layer 0.
import { ANOMALY_KIND_LABELS, type LiveClassView, type MonitoringWallView } from '@seafarer/contracts';
import { LiveClient } from '../room/live-client';
import { api, getToken, requireSignIn } from '../shared/api';
import { byId, h } from '../shared/dom';
import { errorText } from '../shared/errors';
import { fmtDateTime, label } from '../shared/format';
import { initHeader } from '../shared/ui';
import { headCount, sitInHref } from './dashboard';

/** How often the list of live classes and their head counts is read again. */
const REFRESH_MS = 15_000;

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  meta: HTMLElement;
  badges: HTMLElement;
  state: HTMLElement;
  client: LiveClient;
}

const wall = byId('wall');
const status = byId('wall-status');
const tiles = new Map<string, Tile>();
// Tests read the tiles' clients (decoded frames, consumers) the way room tests read window.__live.
(window as unknown as { __wall: typeof tiles }).__wall = tiles;

function stateText(c: LiveClient): string {
  if (c.state === 'joined')
    return [...c.remote.values()].some((r) => r.consumer.kind === 'video')
      ? ''
      : '教员摄像头未开启 The instructor’s camera is off';
  // The live node keeps one connection per account: another tile or room of this officer took it over.
  if (c.state === 'removed' && c.removedReason === 'replaced')
    return '本账号已在其他课堂连接，此处暂停 This account connected elsewhere; paused here';
  if (c.state === 'refused' || c.state === 'removed')
    return c.lastError ? `${c.lastError.message.zh} ${c.lastError.message.en}` : '无法连接 Cannot connect';
  if (c.state === 'ended') return '已下课 The session ended';
  return '连接中… Connecting…';
}

/** Shows the instructor's camera in the tile once it is received (and again after a rejoin). */
function attach(t: Tile): void {
  const remote = [...t.client.remote.values()].find((r) => r.consumer.kind === 'video');
  const track = remote?.consumer.track ?? null;
  const shown = (t.video.srcObject as MediaStream | null)?.getVideoTracks()[0] ?? null;
  if (track !== shown) {
    t.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) void t.video.play().catch(() => undefined);
  }
  t.state.textContent = stateText(t.client);
}

function fill(t: Tile, l: LiveClassView): void {
  t.meta.replaceChildren(
    `${l.institutionNameZh} · 第 ${l.sessionSeq} 次课 ${fmtDateTime(l.startsAt).slice(-5)}–${fmtDateTime(l.endsAt).slice(-5)}`,
    h('br'),
    `教员 ${l.instructorName || '—'}${l.instructorPresent ? '' : '（未进入 not in the room）'}`,
  );
  const counts = new Map<string, number>();
  for (const a of l.anomalies) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  t.badges.replaceChildren(
    h('span', { class: 'badge st-confirmed', 'data-testid': 'headcount' }, headCount(l)),
    ...[...counts].map(([kind, n]) =>
      h(
        'span',
        { class: 'badge st-rejected', title: l.anomalies.find((a) => a.kind === kind)?.detail.zh ?? '' },
        `${label(ANOMALY_KIND_LABELS, kind)} ×${n}`,
      ),
    ),
  );
}

function makeTile(l: LiveClassView): Tile {
  const video = h('video', { muted: true, autoplay: true, playsinline: true });
  video.muted = true;
  const meta = h('div', { class: 'tile-meta' });
  const badges = h('div', { class: 'badges' });
  const state = h('div', { class: 'tile-state muted', role: 'status' });
  const el = h(
    'article',
    { class: 'tile', dataset: { session: l.sessionId, class: l.classId } },
    h('div', { class: 'tile-title' }, `${l.classCode} ${l.className}`),
    video,
    state,
    meta,
    badges,
    h('a', { class: 'button small', href: sitInHref(l) }, '旁听 Sit in'),
  );
  const tile: Tile = {
    el,
    video,
    meta,
    badges,
    state,
    client: new LiveClient({
      apiBase: location.origin,
      token: getToken,
      classId: l.classId,
      sessionId: l.sessionId,
      publish: { camera: false, mic: false },
      lite: true,
      // The instructor's camera only: no trainee video, no sound, no screen (the wall is a glance).
      receive: (p, owner) => p.kind === 'video' && p.source === 'camera' && owner?.role === 'instructor',
      onChange: () => attach(tile),
    }),
  };
  // The tile's own width (at most 320 px by the page's grid): the SFU answers with the lowest layer.
  tile.client.viewWidth = () => Math.round(video.clientWidth) || 320;
  fill(tile, l);
  attach(tile);
  void tile.client.start();
  return tile;
}

async function refresh(): Promise<void> {
  let view: MonitoringWallView;
  try {
    view = await api.call<MonitoringWallView>('GET', '/api/v1/officer/wall');
  } catch (e) {
    status.textContent = errorText(e);
    status.className = 'error';
    return;
  }
  const live = new Set(view.items.map((l) => l.sessionId));
  for (const [id, t] of tiles)
    if (!live.has(id)) {
      t.client.leave();
      t.el.remove();
      tiles.delete(id);
    }
  for (const l of view.items) {
    let t = tiles.get(l.sessionId);
    if (!t) {
      t = makeTile(l);
      tiles.set(l.sessionId, t);
      wall.append(t.el);
    } else fill(t, l);
  }
  status.className = 'muted';
  status.textContent =
    view.items.length === 0
      ? '辖区内当前没有直播课 No class is live now in the jurisdiction'
      : `直播中 ${view.items.length} 个班 classes live · 更新于 as of ${fmtDateTime(view.generatedAt)}（北京时间 China time）`;
}

async function start(): Promise<void> {
  const me = await requireSignIn(['maritime_officer']);
  if (!me) return;
  if (me.notAllowed) {
    status.textContent = '此页面供海事检查员使用 This page is for maritime officers.';
    return;
  }
  initHeader(me);
  await refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}

start().catch((e: unknown) => {
  status.textContent = errorText(e);
  status.className = 'error';
});
