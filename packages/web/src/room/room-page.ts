import type { LiveEvents, PeerInfo } from '@seafarer/contracts';
import { LiveClient } from './live-client';

/** The live room page: trainee room, instructor console and officer view, by role. */
const params = new URLSearchParams(location.search);
const classId = params.get('class') ?? '';
const sessionId = params.get('session') ?? '';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const t = (zh: string, en: string) => `${zh} ${en}`;

const ROLE = {
  instructor: t('教员', 'Instructor'),
  trainee: t('学员', 'Trainee'),
  class_manager: t('班主任', 'Class manager'),
  observer: t('海事旁听', 'Observer'),
} as const;
const STATE = {
  connecting: t('正在连接…', 'Connecting…'),
  joined: t('已进入课堂', 'In class'),
  rejoining: t('网络中断，正在自动重连…', 'Reconnecting…'),
  ended: t('本次课已结束', 'The session has ended'),
  removed: t('您已离开课堂', 'You left the class'),
  refused: t('无法进入课堂', 'Cannot enter the class'),
} as const;

const videoEls = new Map<string, HTMLVideoElement>();
const audioEls = new Map<string, HTMLAudioElement>();
const log: string[] = [];

const client = new LiveClient({
  apiBase: location.origin,
  token: () => sessionStorage.getItem('accessToken'),
  classId,
  sessionId,
  publish: { camera: true, mic: true },
  // Data-saver mode for weak phone links: small video, fewer layers.
  lite: params.get('lite') === '1',
  onChange: () => schedule(),
  onEvent: (event, data) => onEvent(event, data),
});
(window as unknown as { __live: LiveClient }).__live = client;
// The SFU picks each video's simulcast layer from the size it is actually shown at.
client.viewWidth = (consumerId) => {
  const el = videoEls.get(consumerId);
  return el && el.isConnected ? Math.round(el.getBoundingClientRect().width * devicePixelRatio) : 0;
};

function onEvent<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]) {
  if (event === 'chat.message') {
    const m = data as LiveEvents['chat.message'];
    log.push(`${m.name}：${m.text}`);
  } else if (event === 'question.new') {
    const q = data as LiveEvents['question.new'];
    log.push(`❓ ${q.name}：${q.text}`);
  } else if (event === 'session.ended') log.push(t('教员已结束本次课', 'The instructor ended the session'));
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function mediaFor(id: string, track: MediaStreamTrack, kind: 'audio' | 'video'): HTMLMediaElement {
  const map = kind === 'video' ? videoEls : audioEls;
  let el = map.get(id);
  if (!el) {
    el = document.createElement(kind) as HTMLVideoElement;
    el.autoplay = true;
    el.setAttribute('playsinline', '');
    if (kind === 'video') el.muted = true;
    map.set(id, el as HTMLVideoElement);
  }
  // A rejoin (REL-1) brings new tracks under the same key.
  if ((el.srcObject as MediaStream | null)?.getTracks()[0] !== track) el.srcObject = new MediaStream([track]);
  return el;
}

function button(label: string, onClick: () => unknown, disabled = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.disabled = disabled;
  b.addEventListener('click', () =>
    Promise.resolve(onClick()).catch((e: { data?: { message?: { zh: string; en: string } } }) =>
      alert(e.data?.message ? `${e.data.message.zh} ${e.data.message.en}` : String(e)),
    ),
  );
  return b;
}

function render() {
  const role = client.self?.role ?? client.role;
  $('role').textContent = role ? ROLE[role] : '';
  $('state').textContent =
    client.lastError && client.state === 'refused'
      ? `${STATE.refused}：${client.lastError.message.zh} ${client.lastError.message.en}`
      : STATE[client.state];
  $('observers').textContent =
    role === 'instructor' && client.observers > 0
      ? t(`海事旁听中（${client.observers}）`, 'Observer present')
      : '';
  const teaching = role === 'instructor';
  const staff = role === 'instructor' || role === 'class_manager' || role === 'observer';

  // Main picture (VC-1): what the instructor chose for everyone.
  const main = $('main');
  const wantPeer = client.main.source === 'trainee' ? client.main.peerId : null;
  const mainRemote = [...client.remote.entries()].find(
    ([, r]) =>
      r.consumer.kind === 'video' &&
      (wantPeer
        ? r.peerId === wantPeer && r.source === 'camera'
        : r.source === client.main.source && client.peers.get(r.peerId)?.role === 'instructor'),
  );
  main.replaceChildren();
  if (mainRemote) main.append(mediaFor(mainRemote[0], mainRemote[1].consumer.track, 'video'));
  else if (teaching && client.producers.get(client.main.source === 'screen' ? 'screen' : 'camera')?.track) {
    main.append(
      mediaFor(
        'local',
        client.producers.get(client.main.source === 'screen' ? 'screen' : 'camera')!.track!,
        'video',
      ),
    );
  }

  // Self view in a corner of the main picture: people see that their camera is on (JS-8).
  const own = client.producers.get('camera')?.track;
  const mainIsOwn = teaching && !mainRemote && client.main.source !== 'screen';
  if (own && !mainIsOwn) {
    const self = mediaFor('self', own, 'video');
    self.className = 'self';
    self.title = t('我的画面', 'My camera');
    main.append(self);
  }

  // Everyone's audio plays.
  const audio = $('audio');
  audio.replaceChildren(
    ...[...client.remote.entries()]
      .filter(([, r]) => r.consumer.kind === 'audio')
      .map(([id, r]) => mediaFor(id, r.consumer.track, 'audio')),
  );

  // Trainee grid for teachers, managers and observers (lowest simulcast layer, chosen by the server).
  const grid = $('grid');
  grid.replaceChildren();
  if (staff) {
    for (const p of client.peers.values()) {
      if (p.role !== 'trainee') continue;
      const cell = document.createElement('div');
      cell.className = `cell ${p.present ? 'present' : 'absent'}`;
      cell.dataset.peer = p.id;
      const cam = [...client.remote.entries()].find(([, r]) => r.peerId === p.id && r.source === 'camera');
      if (cam) cell.append(mediaFor(cam[0], cam[1].consumer.track, 'video'));
      const name = document.createElement('div');
      name.textContent = `${p.name} ${p.present ? '' : t('（未开摄像头/麦克风）', '(camera/mic off)')}${p.handRaised ? ' ✋' : ''}`;
      cell.append(name);
      if (teaching) cell.append(...traineeControls(p));
      grid.append(cell);
    }
  }

  // Own controls.
  const controls = $('controls');
  controls.replaceChildren();
  const mic = client.producers.get('mic');
  if (role === 'trainee') {
    controls.append(
      button(
        mic && !mic.paused ? t('静音', 'Mute') : t('发言', 'Unmute'),
        () => client.setMic(!!mic?.paused),
        !client.micAllowed,
      ),
      button(t('举手', 'Raise hand'), () =>
        client.request('hand.raise', {
          raised: !(client.self && client.peers.get(client.self.id)?.handRaised),
        }),
      ),
    );
  }
  if (teaching) {
    controls.append(
      button(mic && !mic.paused ? t('静音', 'Mute') : t('开麦', 'Unmute'), () =>
        client.setMic(!!mic?.paused),
      ),
      client.producers.has('screen')
        ? button(t('停止共享', 'Stop sharing'), () => client.stopScreen())
        : button(t('共享屏幕', 'Share screen'), () => client.shareScreen()),
      button(t('主画面：摄像头', 'Main: camera'), () => client.request('main.set', { source: 'camera' })),
      button(t('主画面：屏幕', 'Main: screen'), () => client.request('main.set', { source: 'screen' })),
      button(
        t('结束课程', 'End for all'),
        () =>
          confirm(t('确定为所有人结束本次课？', 'End the session for everyone?')) &&
          client.request('session.end', {}),
      ),
    );
  }
  $('participants').textContent = [...client.peers.values()]
    .map((p: PeerInfo) => `${p.name}（${ROLE[p.role]}）${p.present || p.role !== 'trainee' ? '' : ' ⚠'}`)
    .join('、');
  $('log').textContent = log.slice(-50).join('\n');
  ($('chat-form') as HTMLFormElement).hidden = role === 'observer';
}

function traineeControls(p: PeerInfo): HTMLButtonElement[] {
  return [
    button(t('设为主画面', 'Main picture'), () =>
      client.request('main.set', { source: 'trainee', peerId: p.id }),
    ),
    button(p.micAllowed ? t('禁止发言', 'Mute') : t('允许发言', 'Allow mic'), () =>
      client.request('peer.allowMic', { peerId: p.id, allowed: !p.micAllowed }),
    ),
    button(
      t('移出', 'Remove'),
      () =>
        confirm(t(`将 ${p.name} 移出本次课？`, 'Remove from this session?')) &&
        client.request('peer.remove', { peerId: p.id }),
    ),
  ];
}

$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('chat-text') as HTMLInputElement;
  const text = input.value.trim();
  if (!text) return;
  const kind = ($('chat-kind') as HTMLSelectElement).value === 'question' ? 'question.ask' : 'chat.send';
  void client.request(kind, { text }).then(() => (input.value = ''));
});

if (!classId || !sessionId)
  $('state').textContent = t('链接缺少班级或课次', 'The link lacks class or session');
else void client.start();
