import { ROLL_CALL_OUTCOME_LABELS, ROLL_CALL_WAITING_LABEL, type RollCallOutcome } from '@seafarer/contracts';
import type { LiveClient } from './live-client';

/**
 * JS-13.2 / JS-16: the room's roll-call (点名). A trainee gets a prompt over everything with a countdown
 * and one big 「到 I'm here」 button (a phone first), noticeable with the tab in the background: the tab's
 * title flashes, a short beep sounds, and a notification shows if the browser allows them. It never
 * says who started it. The instructor, the class manager and an officer get a 「点名 Roll-call」 button
 * and the outcomes live (names, counts), then the closing summary. The server decides everything
 * (who may start, present or late); the page only shows what it says.
 */
const t = (zh: string, en: string) => `${zh} ${en}`;
const label = (o: RollCallOutcome | null) => {
  const l = o ? ROLL_CALL_OUTCOME_LABELS[o] : ROLL_CALL_WAITING_LABEL;
  return `${l.zh} ${l.en}`;
};
const hhmmss = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const STYLE = `
#rollcall-modal{position:fixed;inset:0;z-index:50;display:flex;align-items:center;justify-content:center;
  background:rgba(10,20,40,.72);padding:16px}
#rollcall-modal .card{background:#fff;color:#111;border-radius:14px;max-width:420px;width:100%;padding:24px 20px;
  text-align:center;box-shadow:0 10px 40px rgba(0,0,0,.4)}
#rollcall-modal h2{margin:0 0 8px;font-size:1.5rem}
#rollcall-modal .count{font-size:2.6rem;font-weight:700;margin:12px 0;font-variant-numeric:tabular-nums}
#rollcall-modal .count.late{color:#b3261e;font-size:1.2rem}
#rollcall-modal button.here{display:block;width:100%;min-height:88px;font-size:2rem;font-weight:700;
  border:0;border-radius:12px;background:#0b6b3a;color:#fff;margin-top:12px;cursor:pointer}
#rollcall-modal button.here:disabled{opacity:.6}
#rollcall-modal .err{color:#b3261e;margin-top:8px}
#rollcall{margin:8px 0}
#rollcall .rc-panel{border:1px solid #c8d3e0;border-radius:8px;padding:8px 12px;margin-top:8px;background:#f7fafc}
#rollcall .rc-counts{font-weight:600;margin:4px 0}
#rollcall ul{margin:4px 0;padding-left:18px;max-height:220px;overflow:auto}
#rollcall li.present{color:#0b6b3a}#rollcall li.late{color:#8a5a00}
#rollcall li.absent,#rollcall li.camera_off,#rollcall li.not_in_room{color:#b3261e}
#rollcall-toast{position:fixed;left:50%;bottom:16px;transform:translateX(-50%);z-index:49;background:#0b6b3a;
  color:#fff;padding:10px 16px;border-radius:10px;font-weight:600}
`;

export interface RollCallUi {
  render(role: string | null): void;
}

export function createRollCallUi(client: LiveClient, opts: { after: HTMLElement }): RollCallUi {
  const style = document.createElement('style');
  style.textContent = STYLE;
  document.head.append(style);
  const panel = document.createElement('section');
  panel.id = 'rollcall';
  opts.after.after(panel);
  const title = document.title;
  let modal: HTMLDivElement | null = null;
  let toast: HTMLDivElement | null = null;
  let toastFor: string | null = null;
  let alerted: string | null = null;
  let error = '';
  let startError = '';
  let answering = false;

  /** Attention for a challenge while the tab may be in the background. */
  function alert(rollCallId: string) {
    if (alerted === rollCallId) return;
    alerted = rollCallId;
    try {
      const Ctx =
        window.AudioContext ??
        (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
      const audio = new Ctx();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.35);
      osc.onended = () => void audio.close();
    } catch {
      /* no audio here: the title and the prompt still show */
    }
    try {
      if ('Notification' in window && Notification.permission === 'granted')
        new Notification('点名 Roll-call', {
          body: t('请点击「到」应答', 'Tap “I’m here” to answer'),
          tag: rollCallId,
        });
    } catch {
      /* notifications unavailable */
    }
  }

  function pending() {
    const rc = client.rollCall;
    return rc && !rc.outcome && !rc.final && Date.now() < Date.parse(rc.lateUntil) ? rc : null;
  }

  function tick() {
    const rc = pending();
    // The tab's title flashes while a challenge waits for an answer.
    document.title = rc && Math.floor(Date.now() / 800) % 2 === 0 ? '【点名】请应答 Roll-call!' : title;
    if (!rc || !modal) {
      if (modal && !rc) renderTrainee();
      return;
    }
    const left = Math.ceil((Date.parse(rc.closesAt) - Date.now()) / 1000);
    const count = modal.querySelector<HTMLElement>('.count')!;
    count.className = left > 0 ? 'count' : 'count late';
    count.textContent =
      left > 0
        ? t(`${left} 秒`, `${left} s`)
        : t('已超过应答时限，现在应答记为迟到', 'The window has passed: answering now counts as late');
  }
  setInterval(tick, 400);

  function renderTrainee() {
    const rc = pending();
    if (!rc) {
      modal?.remove();
      modal = null;
      document.title = title;
    } else {
      alert(rc.rollCallId);
      if (!modal) {
        modal = document.createElement('div');
        modal.id = 'rollcall-modal';
        modal.setAttribute('role', 'alertdialog');
        modal.setAttribute('aria-labelledby', 'rollcall-title');
        const card = document.createElement('div');
        card.className = 'card';
        const h = document.createElement('h2');
        h.id = 'rollcall-title';
        h.textContent = '点名 Roll-call';
        const p = document.createElement('p');
        p.textContent = t('请在倒计时结束前点击「到」', 'Tap “I’m here” before the countdown ends');
        const count = document.createElement('div');
        count.className = 'count';
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'here';
        b.id = 'rollcall-here';
        b.textContent = '到 I’m here';
        b.addEventListener('click', () => {
          if (answering) return;
          answering = true;
          b.disabled = true;
          error = '';
          client.answerRollCall().then(
            () => {
              answering = false;
              renderTrainee();
            },
            (e: { data?: { message?: { zh: string; en: string } } }) => {
              answering = false;
              b.disabled = false;
              error = e.data?.message
                ? t(e.data.message.zh, e.data.message.en)
                : t('未送达，请再点一次', 'Not delivered; tap again');
              renderTrainee();
            },
          );
        });
        const err = document.createElement('p');
        err.className = 'err';
        err.setAttribute('role', 'status');
        card.append(h, p, count, b, err);
        modal.append(card);
        document.body.append(modal);
      }
      modal.querySelector<HTMLElement>('.err')!.textContent = error;
      tick();
    }
    // After the answer (and at the close): what was stored, for a moment.
    const done = client.rollCall;
    const shown = done?.final ?? done?.outcome;
    const key = done && shown ? `${done.rollCallId}:${shown}:${done.final ? 'final' : 'answer'}` : null;
    if (key && key !== toastFor) {
      toastFor = key;
      toast?.remove();
      toast = document.createElement('div');
      toast.id = 'rollcall-toast';
      toast.setAttribute('role', 'status');
      toast.textContent = done!.final
        ? t(
            `点名结果：${ROLL_CALL_OUTCOME_LABELS[shown!].zh}`,
            `Roll-call: ${ROLL_CALL_OUTCOME_LABELS[shown!].en}`,
          )
        : t(
            `已应答：${ROLL_CALL_OUTCOME_LABELS[shown!].zh}`,
            `Answered: ${ROLL_CALL_OUTCOME_LABELS[shown!].en}`,
          );
      document.body.append(toast);
      const mine = toast;
      setTimeout(() => mine.remove(), 8000);
    }
  }

  function renderStaff() {
    panel.replaceChildren();
    const start = document.createElement('button');
    start.type = 'button';
    start.id = 'rollcall-start';
    start.textContent = '点名 Roll-call';
    const v = client.rollCallView;
    const open = !!v && !v.closed;
    start.disabled = open;
    const status = document.createElement('span');
    status.className = 'chat-status';
    status.setAttribute('role', 'status');
    status.textContent = startError;
    start.addEventListener('click', () => {
      start.disabled = true;
      startError = '';
      client.startRollCall().then(
        () => undefined,
        (e: { data?: { message?: { zh: string; en: string } } }) => {
          start.disabled = false;
          startError = status.textContent = e.data?.message
            ? t(e.data.message.zh, e.data.message.en)
            : t('未能发起点名', 'Could not start the roll-call');
        },
      );
    });
    const spot = document.createElement('button');
    spot.type = 'button';
    spot.id = 'spotcheck-start';
    spot.textContent = '抽查身份 Spot check';
    const sc = client.spotCheck;
    spot.disabled = !!sc && !sc.done;
    spot.addEventListener('click', () => {
      spot.disabled = true;
      startError = '';
      client.startSpotCheck().then(
        () => undefined,
        (e: { data?: { message?: { zh: string; en: string } } }) => {
          spot.disabled = false;
          startError = status.textContent = e.data?.message
            ? t(e.data.message.zh, e.data.message.en)
            : t('未能发起身份抽查', 'Could not start the spot check');
        },
      );
    });
    panel.append(start, ' ', spot, status);
    if (sc) panel.append(spotCheckBox(sc));
    if (!v) return;
    const box = document.createElement('div');
    box.className = 'rc-panel';
    box.dataset.rollcall = v.rollCallId;
    const head = document.createElement('div');
    const windowOver = Date.now() >= Date.parse(v.closesAt);
    head.textContent = v.closed
      ? t(`点名已结束（${hhmmss.format(new Date(v.firedAt))} 发起）`, 'Roll-call closed')
      : windowOver
        ? t('应答时限已过，仍接受迟到应答', 'Window over; late answers still taken')
        : t(
            `点名进行中，${hhmmss.format(new Date(v.closesAt))} 截止`,
            `Roll-call open until ${hhmmss.format(new Date(v.closesAt))}`,
          );
    const c = v.counts;
    const counts = document.createElement('div');
    counts.className = 'rc-counts';
    counts.id = 'rollcall-counts';
    const waiting = v.closed ? 0 : c.waiting;
    counts.textContent = [
      t(`已应答 ${v.answered}/${v.expected}`, `answered ${v.answered}/${v.expected}`),
      `到课 Present ${c.present}`,
      `迟到 Late ${c.late}`,
      `未应答 No answer ${c.absent + waiting}`,
      `未开摄像头 Camera off ${c.camera_off}`,
      `不在课堂 Not in the room ${c.not_in_room}`,
    ].join(' · ');
    const list = document.createElement('ul');
    for (const i of v.items) {
      const li = document.createElement('li');
      li.className = i.outcome ?? 'waiting';
      li.dataset.account = i.accountId;
      li.textContent = `${i.name} · ${label(i.outcome)}${i.answeredAt ? ` · ${hhmmss.format(new Date(i.answeredAt))}` : ''}`;
      list.append(li);
    }
    box.append(head, counts, list);
    panel.append(box);
  }

  /** JS-7.2: whom the spot check sampled, then each verdict (a flagged one in red, named in words). */
  function spotCheckBox(sc: NonNullable<LiveClient['spotCheck']>) {
    const box = document.createElement('div');
    box.className = 'rc-panel';
    box.id = 'spotcheck';
    box.dataset.spotcheck = sc.started.spotCheckId;
    const head = document.createElement('div');
    const flagged = sc.done?.items.filter((i) => i.flagged).length ?? 0;
    head.textContent = !sc.done
      ? t(
          `身份抽查进行中：抽取 ${sc.started.sampled.length} 人，正在截取画面并比对`,
          `Spot check of ${sc.started.sampled.length}: grabbing stills and comparing`,
        )
      : t(
          `身份抽查完成：${sc.done.items.length} 人，${flagged} 人需关注`,
          `Spot check done: ${sc.done.items.length} checked, ${flagged} flagged`,
        );
    const list = document.createElement('ul');
    for (const i of sc.done?.items ??
      sc.started.sampled.map((s) => ({ ...s, verdictLabel: null, flagged: false }))) {
      const li = document.createElement('li');
      li.dataset.account = i.accountId;
      if (i.flagged) li.className = 'absent';
      li.textContent = i.verdictLabel
        ? `${i.name} · ${t(i.verdictLabel.zh, i.verdictLabel.en)}${i.flagged ? ' ⚠' : ''}`
        : `${i.name} · ${t('比对中', 'checking')}`;
      list.append(li);
    }
    if (sc.started.sampled.length === 0 && !sc.done) {
      const li = document.createElement('li');
      li.textContent = t('课堂中没有开着摄像头的学员', 'No trainee in the room has a camera on');
      list.append(li);
    }
    box.append(head, list);
    return box;
  }

  return {
    render(role) {
      if (role === 'trainee') {
        panel.replaceChildren();
        renderTrainee();
      } else if (role === 'instructor' || role === 'class_manager' || role === 'observer') renderStaff();
      else panel.replaceChildren();
    },
  };
}
