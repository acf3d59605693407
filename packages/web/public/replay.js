// TM-4 / JS-7.1: plays a session's replay. The URL the API issues is signed for this person and bound to
// this browser by an httpOnly cookie the same answer sets (scoped to that URL), so the <video> element's
// range requests carry it without the page ever seeing it. URLs live five minutes: when one lapses
// mid-play the page asks for a fresh one and resumes where it was.
import { call, h, requireSignIn, showError } from './api.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const classId = params.get('class');
const sessionId = params.get('session');
const video = $('replay');

/** Issues a fresh replay URL (and, with it, this browser's binding cookie). */
const issue = () => call('POST', `/classes/${classId}/sessions/${sessionId}/replay-url`);

let renewing = false;
async function load(resumeAt = 0) {
  const r = await issue();
  video.src = r.url;
  if (resumeAt > 0) video.currentTime = resumeAt;
  $('status').textContent = r.durationS ? `时长 Duration ${Math.round(r.durationS / 60)} 分钟 min` : '';
  if (r.sha256) video.title = `SHA-256 ${r.sha256}`;
  return r;
}

async function main() {
  const me = await requireSignIn();
  if (!me) return;
  if (!classId || !sessionId) {
    showError($('error'), {
      data: { message: { zh: '链接缺少班级或课次', en: 'The link names no class or session' } },
    });
    return;
  }
  const trainee = me.roles.every((r) => r === 'trainee');
  if (trainee) {
    // Trainees watch, they do not download (TM-4): the server refuses ?download=1 for them anyway.
    video.setAttribute('controlsList', 'nodownload');
    video.addEventListener('contextmenu', (e) => e.preventDefault());
  }
  const r = await load();
  if (!trainee) {
    const link = $('download');
    link.replaceChildren(
      h('a', { href: `${r.url}?download=1`, class: 'button secondary' }, '下载存档 Download for the archive'),
    );
    link.hidden = false;
  }
  // A lapsed URL (or binding) makes the element fail: renew once and resume.
  video.addEventListener('error', async () => {
    if (renewing) return;
    renewing = true;
    try {
      await load(video.currentTime || 0);
    } catch (err) {
      showError($('error'), err);
    } finally {
      setTimeout(() => (renewing = false), 5000);
    }
  });
}

main().catch((err) => showError($('error'), err));
