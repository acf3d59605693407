// JS-7.3: proctoring on the exam page: the candidate's camera into the exam's live session (the
// invigilation room: the invigilator sees the candidates in the ordinary room page, an officer may sit in
// unseen), a small self-view, and the page's events (tab hidden, window blur, full-screen exit, paste)
// reported as flags. The server stamps, coalesces and keeps them; the stills are the server's (never
// asked of, nor announced to, this page). Owner: proctor.
import type { ClientFlagKind } from '@seafarer/contracts';
import { LiveClient } from '../room/live-client';
import { api, getToken } from '../shared/api';
import { h } from '../shared/dom';

export interface ProctoringHandle {
  stop(): void;
  /** The live connection (null when the exam names no live session). */
  live: LiveClient | null;
}

/** One report per kind at most this often; what happens between is counted into the next. */
const MIN_GAP_MS = 2_000;
const RETRIES = 3;

/** Starts proctoring for an attempt (the exam page calls it once the paper is shown; stop() on submit). */
export async function startProctoring(opts: {
  attemptId: string;
  examId: string;
  classId: string;
  /** The exam's live session (exams.session_id); null: no invigilation room. */
  sessionId?: string | null;
  /** The exam requires the camera (exams.proctoring.camera). */
  camera?: boolean;
  /** Where the self-view and the status go (default: document.body). */
  mount?: HTMLElement;
}): Promise<ProctoringHandle> {
  const mount = opts.mount ?? document.body;
  const status = h(
    'span',
    { class: 'proctor-status', 'data-testid': 'proctor-status' },
    '监考连接中… Connecting…',
  );
  const video = h('video', {
    autoplay: true,
    playsInline: true,
    muted: true,
    style: 'width:96px;height:72px;object-fit:cover;border-radius:6px;background:#222;display:block',
  });
  const box = h(
    'div',
    {
      id: 'proctor-self',
      style:
        'position:fixed;right:8px;bottom:8px;z-index:50;background:rgba(255,255,255,.92);padding:4px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.25);font-size:11px;max-width:120px',
    },
    opts.sessionId ? video : null,
    status,
  );
  mount.append(box);

  // ---- client events → flags ----
  const last = new Map<ClientFlagKind, number>();
  const pending = new Map<ClientFlagKind, number>();
  let stopped = false;
  async function send(kind: ClientFlagKind, detail: Record<string, string | number | boolean>) {
    for (let i = 0; i < RETRIES && !stopped; i++) {
      try {
        await api.proctoring.flag(opts.classId, opts.examId, opts.attemptId, {
          kind,
          at: new Date().toISOString(),
          detail,
        });
        return;
      } catch (e) {
        // A refusal (submitted, not this candidate's) is final; a network failure is tried again.
        if ((e as { status?: number }).status && (e as { status: number }).status < 500) return;
        await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
      }
    }
  }
  function report(kind: ClientFlagKind, detail: Record<string, string | number | boolean> = {}) {
    if (stopped) return;
    const now = Date.now();
    if (now - (last.get(kind) ?? 0) < MIN_GAP_MS) {
      pending.set(kind, (pending.get(kind) ?? 0) + 1);
      return;
    }
    last.set(kind, now);
    const skipped = pending.get(kind) ?? 0;
    pending.delete(kind);
    void send(kind, skipped ? { ...detail, alsoBefore: skipped } : detail);
  }
  let wasFullscreen = !!document.fullscreenElement;
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') report('tab_hidden');
  };
  const onBlur = () => report('window_blur');
  const onFullscreen = () => {
    if (wasFullscreen && !document.fullscreenElement) report('fullscreen_exit');
    wasFullscreen = !!document.fullscreenElement;
  };
  const onPaste = (e: ClipboardEvent) => {
    const target = e.target as HTMLElement | null;
    report('paste', {
      field: (target?.getAttribute('name') ?? target?.id ?? target?.tagName ?? '').slice(0, 60),
      length: e.clipboardData?.getData('text').length ?? 0,
    });
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('blur', onBlur);
  document.addEventListener('fullscreenchange', onFullscreen);
  document.addEventListener('paste', onPaste, true);

  // ---- the camera into the invigilation room ----
  let live: LiveClient | null = null;
  if (opts.sessionId) {
    const c: LiveClient = new LiveClient({
      apiBase: location.origin,
      token: getToken,
      classId: opts.classId,
      sessionId: opts.sessionId,
      publish: { camera: true, mic: true },
      lite: true,
      // No one else's video: the invigilator watches, the candidate reads the paper.
      receive: () => false,
      onChange: () => {
        const track = c.producers.get('camera')?.track ?? null;
        if (track && (video.srcObject as MediaStream | null)?.getVideoTracks()[0] !== track)
          video.srcObject = new MediaStream([track]);
        const on = !!track && track.readyState === 'live';
        if (c.state === 'joined')
          status.textContent = on
            ? '监考中 · 摄像头已开启 Proctored · camera on'
            : opts.camera
              ? '请开启摄像头 Turn the camera on'
              : '监考中 Proctored';
        else if (c.state === 'rejoining') status.textContent = '重新连接… Reconnecting…';
        else if (c.state === 'refused' || c.state === 'ended')
          status.textContent = c.lastError?.message.zh
            ? `${c.lastError.message.zh} ${c.lastError.message.en}`
            : '监考未连接 Not connected';
        box.dataset.state = c.state;
        box.dataset.camera = on ? 'on' : 'off';
      },
    });
    live = c;
    (window as unknown as { __proctor?: LiveClient }).__proctor = c;
    void c.start();
  } else status.textContent = '本场考试不使用视频监考 No live invigilation';

  return {
    live,
    stop() {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('fullscreenchange', onFullscreen);
      document.removeEventListener('paste', onPaste, true);
      live?.leave();
      box.remove();
    },
  };
}
