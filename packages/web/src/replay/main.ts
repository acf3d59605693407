// TM-4 / JS-7.1: plays a session's replay. The URL the API issues is signed for this person and bound to
// this browser by an httpOnly cookie the same answer sets (scoped to that URL), so the <video> element's
// range requests carry it without the page ever seeing it. URLs live five minutes: when one lapses
// mid-play the page asks for a fresh one and resumes where it was.
import { api, requireSignIn } from '../shared/api';
import { byId, h } from '../shared/dom';
import { inputError, showError } from '../shared/errors';

const params = new URLSearchParams(location.search);
const classId = params.get('class');
const sessionId = params.get('session');
const video = byId<HTMLVideoElement>('replay');
const errorBox = byId('error');

let renewing = false;
async function load(cls: string, session: string, resumeAt = 0) {
  // Issues a fresh replay URL (and, with it, this browser's binding cookie).
  const r = await api.classes.replayUrl(cls, session);
  video.src = r.url;
  if (resumeAt > 0) video.currentTime = resumeAt;
  byId('status').textContent = r.durationS ? `时长 Duration ${Math.round(r.durationS / 60)} 分钟 min` : '';
  if (r.sha256) video.title = `SHA-256 ${r.sha256}`;
  return r;
}

async function main(): Promise<void> {
  const me = await requireSignIn();
  if (!me) return;
  if (!classId || !sessionId) {
    showError(errorBox, inputError('链接缺少班级或课次', 'The link names no class or session'));
    return;
  }
  const trainee = me.roles.every((r) => r === 'trainee');
  if (trainee) {
    // Trainees watch, they do not download (TM-4): the server refuses ?download=1 for them anyway.
    video.setAttribute('controlsList', 'nodownload');
    video.addEventListener('contextmenu', (e) => e.preventDefault());
  }
  // JS-16: an evidence timeline links a moment as #t=<seconds into the replay> (one click to the video).
  const startAt = Number(/(?:^#|&)t=(\d+(?:\.\d+)?)/.exec(location.hash)?.[1] ?? 0);
  const r = await load(classId, sessionId, startAt);
  if (!trainee) {
    const link = byId('download');
    link.replaceChildren(
      h('a', { href: `${r.url}?download=1`, class: 'button secondary' }, '下载存档 Download for the archive'),
    );
    link.hidden = false;
  }
  // A lapsed URL (or binding) makes the element fail: renew once and resume.
  video.addEventListener('error', () => {
    if (renewing) return;
    renewing = true;
    load(classId, sessionId, video.currentTime || 0)
      .catch((err: unknown) => showError(errorBox, err))
      .finally(() => setTimeout(() => (renewing = false), 5000));
  });
}

main().catch((err: unknown) => showError(errorBox, err));
