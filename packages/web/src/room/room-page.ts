import type { PeerInfo } from '@seafarer/contracts';
import { LiveClient } from './live-client';
import { createRollCallUi } from './rollcall-ui';
import { createQuizUi } from './quiz-ui';

/** The live room page: trainee room, instructor console, class manager's and officer's view, by role. */
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
  left: t('您已离开课堂', 'You left the class'),
} as const;
const QUALITY = {
  good: t('网络良好', 'Good connection'),
  fair: t('网络一般', 'Fair connection'),
  poor: t('网络较差', 'Poor connection'),
} as const;

/** China time (the timetable's): HH:mm, and the date as M月D日. */
const hhmm = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const day = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric' });
const timeOf = (iso: string | number) => hhmm.format(new Date(iso));

const videoEls = new Map<string, HTMLVideoElement>();
const audioEls = new Map<string, HTMLAudioElement>();

const client = new LiveClient({
  apiBase: location.origin,
  token: () => sessionStorage.getItem('accessToken'),
  classId,
  sessionId,
  publish: { camera: true, mic: true },
  // Data-saver mode for weak phone links: small video, fewer layers.
  lite: params.get('lite') === '1',
  onChange: () => schedule(),
});
(window as unknown as { __live: LiveClient }).__live = client;
// JS-13.2: the trainee's roll-call prompt; the staff's button and live results (below the controls).
const rollCalls = createRollCallUi(client, { after: $('controls') });
// JS-7.1 / JS-14: the trainee's quiz prompt; the instructor's quiz console (below the roll-call).
const quizzes = createQuizUi(client, { after: $('rollcall'), classId });
// The SFU picks each video's simulcast layer from the size it is actually shown at.
client.viewWidth = (consumerId) => {
  // A stream may be shown twice (a trainee on the main picture keeps their tile): the larger box counts.
  let width = 0;
  for (const el of [videoEls.get(consumerId), videoEls.get(`main:${consumerId}`)])
    if (el?.isConnected) width = Math.max(width, el.getBoundingClientRect().width);
  return Math.round(width * devicePixelRatio);
};

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

type Refusal = { data?: { message?: { zh: string; en: string } } };
const refusalText = (e: Refusal) =>
  e.data?.message
    ? `${e.data.message.zh} ${e.data.message.en}`
    : t('操作未完成，请重试', 'Not done; try again');

/** A button whose refusal (a coded zh/en message) is shown in the room's status line, never lost. */
function button(label: string, onClick: () => unknown, disabled = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.disabled = disabled;
  b.addEventListener('click', () =>
    Promise.resolve(onClick()).then(
      () => ($('action-status').textContent = ''),
      (e: Refusal) => ($('action-status').textContent = refusalText(e)),
    ),
  );
  return b;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className = '') => {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (className) e.className = className;
  return e;
};

/** Refused, ended, removed or left: a page that says why and what next, nothing of the room. */
function renderNotice() {
  const notice = $('notice');
  const title = $('notice-title');
  const reason = $('notice-reason');
  const when = $('notice-when');
  const again = $('notice-again');
  when.textContent = '';
  again.hidden = true;
  title.textContent = STATE[client.state];
  reason.textContent = '';
  if (client.state === 'refused') {
    const err = client.lastError;
    // NOT_FOUND is all the API says of a class outside the caller's scope (SEC-1): say what it may mean.
    reason.textContent = !err
      ? t('无法取得入场许可，请稍后再试', 'No admission; try again later')
      : err.code === 'NOT_FOUND'
        ? t(
            '您不在本班名册上，或本次课不存在。请核对链接，或联系班主任。',
            "You are not on this class's roster, or there is no such session. Check the link, or ask the class manager.",
          )
        : `${err.message.zh} ${err.message.en}`;
    const d = (err?.details ?? {}) as { startsAt?: string; endsAt?: string; joinOpensAt?: string };
    if (d.startsAt) {
      const opens = d.joinOpensAt ? timeOf(d.joinOpensAt) : null;
      when.textContent = t(
        `本次课 ${day.format(new Date(d.startsAt))} ${timeOf(d.startsAt)}${d.endsAt ? `–${timeOf(d.endsAt)}` : ''} 上课${opens ? `，${opens} 起可进入` : ''}（北京时间）`,
        `The session runs ${timeOf(d.startsAt)}${d.endsAt ? `–${timeOf(d.endsAt)}` : ''} China time${opens ? `; the room opens at ${opens}` : ''}.`,
      );
      again.hidden = false;
    }
  } else if (client.state === 'ended') {
    const by = client.endedBy;
    reason.textContent = by
      ? t(`${by.by} 于 ${timeOf(by.at)} 结束了本次课`, `Ended by ${by.by} at ${timeOf(by.at)}.`)
      : '';
  } else if (client.state === 'removed') {
    reason.textContent =
      client.removedReason === 'replaced'
        ? t('您的账号已在另一处进入课堂', 'Your account joined from another device')
        : t('您已被教员移出本次课', 'The instructor removed you from this session');
  } else if (client.state === 'left') {
    reason.textContent = t('摄像头和麦克风已关闭', 'Camera and microphone are off');
    again.hidden = false;
  }
  notice.hidden = false;
}

function render() {
  const role = client.self?.role ?? client.role;
  $('role').textContent = role ? ROLE[role] : '';
  $('state').textContent = STATE[client.state];
  const inRoom = client.state === 'joined' || client.state === 'rejoining';
  const over =
    client.state === 'refused' ||
    client.state === 'ended' ||
    client.state === 'removed' ||
    client.state === 'left';
  $('room').hidden = !inRoom;
  $('leave').hidden = !inRoom;
  $('notice').hidden = true;
  if (over) {
    // Nothing of the room stays: no pictures, lists or controls that look usable.
    for (const id of ['main', 'controls', 'grid', 'participants', 'absent', 'questions', 'log', 'audio'])
      $(id).replaceChildren();
    $('observers').textContent = '';
    $('quality').textContent = '';
    $('clock').textContent = '';
    rollCalls.render(null);
    quizzes.render(null);
    renderNotice();
    return;
  }
  if (!inRoom) return;
  $('observers').textContent =
    client.can.host && client.observers > 0 ? t(`海事旁听中（${client.observers}）`, 'Observer present') : '';
  $('quality').textContent = client.quality ? QUALITY[client.quality] : '';
  $('quality').dataset.q = client.quality ?? '';
  renderClock();
  const staff = role === 'instructor' || role === 'class_manager' || role === 'observer';
  renderMain(role === 'instructor');
  renderAudio();
  renderGrid(staff);
  renderControls(role);
  renderParticipants();
  renderQuestions();
  renderChat();
  rollCalls.render(role);
  quizzes.render(role);
  // An element taken out of the page pauses (the spec); shown again, it plays again.
  for (const m of [...videoEls.values(), ...audioEls.values()])
    if (m.isConnected && m.paused) void m.play().catch(() => undefined);
}

function renderClock() {
  const now = Date.now();
  let text = t(`北京时间 ${timeOf(now)}`, '');
  if (client.endsAt) {
    const left = Math.ceil((client.endsAt - now) / 60_000);
    text +=
      left > 24 * 60
        ? ` · ${t(`${day.format(new Date(client.endsAt))} ${timeOf(client.endsAt)} 下课`, `ends ${timeOf(client.endsAt)}`)}`
        : left > 0
          ? ` · ${t(`${timeOf(client.endsAt)} 下课，剩余 ${left} 分钟`, `ends ${timeOf(client.endsAt)}, ${left} min left`)}`
          : ` · ${t(`已到下课时间 ${timeOf(client.endsAt)}`, `past the end (${timeOf(client.endsAt)})`)}`;
  }
  $('clock').textContent = text.trim();
}

/** Main picture (VC-1): what the instructor chose for everyone; the own camera in a corner. */
function renderMain(teaching: boolean) {
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
  // The trainee on the main picture sees themselves there, large.
  const starIsMe = !!wantPeer && wantPeer === client.self?.id;
  const localMain = client.producers.get(client.main.source === 'screen' ? 'screen' : 'camera')?.track;
  // Its own element: one element can sit in one place only, and the trainee's tile keeps its own (VC-1).
  if (starIsMe && client.producers.get('camera')?.track)
    main.append(mediaFor('local', client.producers.get('camera')!.track!, 'video'));
  else if (mainRemote) main.append(mediaFor(`main:${mainRemote[0]}`, mainRemote[1].consumer.track, 'video'));
  else if (teaching && localMain)
    main.append(mediaFor(client.main.source === 'screen' ? 'local-screen' : 'local', localMain, 'video'));
  else main.append(el('p', t('等待教员画面…', 'Waiting for the instructor’s picture…'), 'placeholder'));
  const own = client.producers.get('camera')?.track;
  const mainIsOwn = starIsMe || (teaching && !mainRemote && client.main.source !== 'screen');
  if (own && !mainIsOwn) {
    const self = mediaFor('self', own, 'video');
    self.className = 'self';
    self.title = t('我的画面', 'My camera');
    main.append(self);
  }
  // The screen share shows itself as such, with its stop button (the instructor's own page).
  if (client.producers.has('screen')) {
    const bar = el('div', '', 'sharing');
    bar.id = 'sharing';
    bar.append(
      el('span', t('正在共享屏幕', 'You are sharing your screen')),
      button(t('停止共享', 'Stop sharing'), () => client.stopScreen()),
    );
    main.append(bar);
  }
}

function renderAudio() {
  $('audio').replaceChildren(
    ...[...client.remote.entries()]
      .filter(([, r]) => r.consumer.kind === 'audio')
      .map(([id, r]) => mediaFor(id, r.consumer.track, 'audio')),
  );
}

/** Trainee grid for teachers, managers and observers (lowest simulcast layer, chosen by the server). */
function renderGrid(staff: boolean) {
  const grid = $('grid');
  grid.replaceChildren();
  if (!staff) return;
  for (const p of client.peers.values()) {
    if (p.role !== 'trainee') continue;
    const cell = el(
      'div',
      '',
      `cell ${p.present ? 'present' : 'absent'}${p.reconnecting ? ' reconnecting' : ''}`,
    );
    cell.dataset.peer = p.id;
    const cam = [...client.remote.entries()].find(([, r]) => r.peerId === p.id && r.source === 'camera');
    if (cam) cell.append(mediaFor(cam[0], cam[1].consumer.track, 'video'));
    cell.append(el('div', `${p.name} · ${stateText(p)}`));
    if (client.can.host && !p.reconnecting) cell.append(...traineeControls(p));
    grid.append(cell);
  }
}

/** A participant's microphone, camera, hand and connection as text (never only an icon). */
function micText(p: PeerInfo): string {
  if (p.mic === 'live') return `🎙 ${t('发言中', 'Speaking')}`;
  if (p.mic === 'muted') return t('静音', 'Muted');
  return t('无麦克风', 'No mic');
}
function stateText(p: PeerInfo): string {
  if (p.reconnecting) return t('重连中', 'Reconnecting');
  const parts = [
    client.speaking.has(p.id) ? `🔊 ${t('正在说话', 'Talking')}` : micText(p),
    p.camera ? t('摄像头开', 'Camera on') : t('摄像头关', 'Camera off'),
  ];
  if (p.screen) parts.push(t('共享屏幕', 'Sharing screen'));
  if (p.handRaised) parts.push(`✋ ${t('举手', 'Hand up')}`);
  return parts.join(' · ');
}

function renderControls(role: string | null) {
  const controls = $('controls');
  controls.replaceChildren();
  if (role === 'observer' || !role) return;
  const mic = client.producers.get('mic');
  const live = !!mic && !mic.paused;
  // TM-2: the button says what pressing it does; before the instructor allows speaking it is off, with why.
  const micButton = button(
    !mic ? t('无麦克风', 'No microphone') : live ? t('静音', 'Mute') : t('发言', 'Unmute'),
    () => client.setMic(!live),
    !mic || (!client.micAllowed && !live),
  );
  micButton.id = 'mic-button';
  const hint = el('span', '', `mic-hint ${live ? 'live' : ''}`);
  hint.id = 'mic-hint';
  hint.textContent = !mic
    ? ''
    : live
      ? t('正在发言，大家能听到您', 'You are live: everyone hears you')
      : client.micAllowed
        ? role === 'trainee'
          ? t('教员已允许发言，按「发言」开始讲话', 'You may speak: press Unmute')
          : t('麦克风已静音', 'Your microphone is muted')
        : t('等待教员允许发言', 'Waiting for the instructor');
  controls.append(micButton);
  const cam = client.producers.has('camera');
  controls.append(
    button(cam ? t('关摄像头', 'Camera off') : t('开摄像头', 'Camera on'), () => client.setCamera(!cam)),
  );
  if (client.can.raiseHand) {
    const hand = button(client.handRaised ? t('放下', 'Lower hand') : t('举手', 'Raise hand'), () =>
      client.setHand(!client.handRaised),
    );
    hand.id = 'hand-button';
    controls.append(hand);
  }
  if (client.can.screen && !client.producers.has('screen'))
    controls.append(button(t('共享屏幕', 'Share screen'), () => client.shareScreen()));
  if (client.can.mainPicture && client.main.source !== 'camera')
    controls.append(
      button(t('主画面：摄像头', 'Main: camera'), () => client.request('main.set', { source: 'camera' })),
    );
  if (client.can.end)
    controls.append(
      button(
        t('结束课程', 'End for all'),
        () =>
          confirm(t('确定为所有人结束本次课？', 'End the session for everyone?')) &&
          client.request('session.end', {}),
      ),
    );
  controls.append(hint);
  if (client.handRaised)
    controls.append(
      el('span', `✋ ${t('已举手，等待教员', 'Hand raised: the instructor sees it')}`, 'hand-state'),
    );
}

/** Everyone listed against the roster: present / expected, mic and camera, hands first. */
function renderParticipants() {
  const list = $('participants');
  list.replaceChildren();
  const people = [...client.peers.values()];
  const trainees =
    people.filter((p) => p.role === 'trainee' && !p.reconnecting).length +
    (client.self?.role === 'trainee' ? 1 : 0);
  $('attendance').textContent = client.expected
    ? t(`学员 ${trainees}/${client.expected} 在线`, `trainees ${trainees}/${client.expected} here`)
    : '';
  const me = client.self;
  if (me && !me.hidden) {
    const li = el('li', `${me.name} ${t('（我）', '(me)')} · ${ROLE[me.role]}`, 'me');
    list.append(li);
  }
  people.sort((a, b) => Number(b.handRaised) - Number(a.handRaised) || a.name.localeCompare(b.name, 'zh-CN'));
  for (const p of people) {
    const li = el('li', '', `${p.handRaised ? 'hand' : ''} ${p.reconnecting ? 'reconnecting' : ''}`);
    li.dataset.peer = p.id;
    li.append(el('span', `${p.name} · ${ROLE[p.role]} · ${stateText(p)}`));
    if (client.can.host && p.role === 'trainee' && p.handRaised)
      li.append(button(t('放下', 'Lower hand'), () => client.request('hand.lower', { peerId: p.id })));
    list.append(li);
  }
  // Teachers and observers: who on the roster is not here (yet).
  const here = new Set([...client.peers.values()].filter((p) => !p.reconnecting).map((p) => p.id));
  const absent = client.roster.filter((r) => !r.accountId || !here.has(r.accountId));
  $('absent').textContent = absent.length
    ? t(`未到（${absent.length}）：`, `Not here (${absent.length}): `) + absent.map((r) => r.name).join('、')
    : '';
}

/** JS-7.1: the question queue (teachers: everyone's, with 已回答; a trainee: their own, with its state). */
function renderQuestions() {
  const box = $('questions-box');
  const list = $('questions');
  list.replaceChildren();
  const qs = [...client.questions.values()].sort(
    (a, b) => Number(a.answered) - Number(b.answered) || a.at.localeCompare(b.at),
  );
  box.hidden = qs.length === 0;
  for (const q of qs) {
    const li = el('li', '', q.answered ? 'answered' : 'open');
    li.dataset.question = q.id;
    li.append(
      el('span', `${timeOf(q.at)} ${q.name}：${q.text}`),
      el('span', q.answered ? t('已回答', 'Answered') : t('待回答', 'Waiting'), 'q-state'),
    );
    if (client.can.host && !q.answered)
      li.append(
        button(t('标记已回答', 'Mark answered'), () =>
          client.request('question.answer', { questionId: q.id }),
        ),
      );
    list.append(li);
  }
}

function renderChat() {
  const log = $('log');
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.replaceChildren(
    ...client.chat.slice(-100).map((m) => {
      const li = el('li');
      li.append(el('time', timeOf(m.at)), document.createTextNode(` ${m.name}：${m.text}`));
      return li;
    }),
  );
  if (atBottom) log.scrollTop = log.scrollHeight;
  ($('chat-form') as HTMLFormElement).hidden = !client.can.chat;
  // JS-7.1: only trainees are offered the question box (the server refuses the others, with a message).
  const kind = $('chat-kind') as HTMLSelectElement;
  kind.hidden = !client.can.ask;
  if (!client.can.ask) kind.value = 'chat';
}

function traineeControls(p: PeerInfo): HTMLButtonElement[] {
  const out: HTMLButtonElement[] = [];
  if (client.can.mainPicture)
    out.push(
      button(t('设为主画面', 'Main picture'), () =>
        client.request('main.set', { source: 'trainee', peerId: p.id }),
      ),
    );
  out.push(
    button(p.micAllowed ? t('禁止发言', 'Mute') : t('允许发言', 'Allow mic'), () =>
      client.request('peer.allowMic', { peerId: p.id, allowed: !p.micAllowed }),
    ),
  );
  if (p.handRaised)
    out.push(button(t('放下', 'Lower hand'), () => client.request('hand.lower', { peerId: p.id })));
  out.push(
    button(
      t('移出', 'Remove'),
      () =>
        confirm(t(`将 ${p.name} 移出本次课？`, 'Remove from this session?')) &&
        client.request('peer.remove', { peerId: p.id }),
    ),
  );
  return out;
}

$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('chat-text') as HTMLInputElement;
  const text = input.value.trim();
  if (!text) return;
  const kind =
    client.can.ask && ($('chat-kind') as HTMLSelectElement).value === 'question'
      ? 'question.ask'
      : 'chat.send';
  const status = $('chat-status');
  // A refusal (RATE_LIMITED, SERVICE_UNAVAILABLE …) is shown under the form; the text stays to resend.
  client.request(kind, { text }).then(
    () => {
      input.value = '';
      status.textContent = '';
    },
    (err: Refusal) => {
      status.textContent = err.data?.message ? refusalText(err) : t('未发送，请重试', 'Not sent; try again');
    },
  );
});
$('leave').addEventListener('click', () => client.leave());
$('notice-again').addEventListener('click', () => location.reload());
// The clock moves on by itself.
setInterval(() => client.state === 'joined' && renderClock(), 15_000);

if (!classId || !sessionId) {
  $('notice-title').textContent = STATE.refused;
  $('notice-reason').textContent = t('链接缺少班级或课次', 'The link lacks class or session');
  $('notice').hidden = false;
} else void client.start();
