// Reference client shell: sign-in, first-password change, and the landing page of each role.
// Plain browser JavaScript (no build step); the live classroom adds mediasoup-client pages later.
import { ROLE_NAMES, call, clearTokens, getToken, h, saveTokens, setOnSignedOut, showError } from './api.js';

const $ = (id) => document.getElementById(id);
let currentPassword = null;

const show = (id) => ['login', 'change-password', 'home'].forEach((x) => ($(x).hidden = x !== id));
const formError = (form, err) => showError(form.querySelector('.error'), err);

// On this page an ended session just shows the sign-in form again.
setOnSignedOut(() => {
  clearTokens();
  show('login');
});

/** The pages each role works in. */
const PAGES = [
  {
    roles: ['class_manager', 'institution_admin'],
    href: './manager.html',
    text: '班级管理 Class management',
    hint: '开班计划、备案、名册、学员账户、身份核验、班级群 Plans, filing, roster, trainee accounts, identity review, group chat',
  },
  {
    roles: ['maritime_officer'],
    href: './officer.html',
    text: '开班备案审核 Filing review',
    hint: '辖区机构的班级、待审核备案、版本变更、身份核验 Classes of the jurisdiction, filings to review, version changes, identity checks',
  },
];

async function home() {
  const me = await call('GET', '/auth/me');
  if (me.mustChangePassword) return show('change-password');
  $('greeting').textContent = `您好，${me.displayName}`;
  $('roles').textContent = me.roles.map((r) => ROLE_NAMES[r] ?? r).join('、');
  const links = $('links');
  links.replaceChildren();
  for (const p of PAGES.filter((p) => p.roles.some((r) => me.roles.includes(r))))
    links.append(
      h(
        'li',
        { class: 'primary-link' },
        h('a', { href: p.href, class: 'button' }, p.text),
        h('div', { class: 'hint' }, p.hint),
      ),
    );
  if (me.roles.some((r) => r === 'trainee' || r === 'instructor'))
    links.append(
      h(
        'li',
        { class: 'primary-link' },
        h('a', { href: './device-check.html', class: 'button secondary' }, '课前设备检测 Device check'),
      ),
    );
  links.append(h('li', {}, h('a', { href: '/docs' }, '接口文档 API documentation')));
  show('home');
  liveSessions(me).catch((e) => showError($('sessions'), e));
}

/** Upcoming sessions of confirmed classes, each with the way into its live room. */
async function liveSessions(me) {
  const box = $('sessions');
  let classes;
  if (me.roles.includes('trainee')) classes = (await call('GET', '/me/classes')).items;
  else if (me.institutionId) classes = (await call('GET', `/institutions/${me.institutionId}/classes`)).items;
  else {
    const institutions = (await call('GET', '/institutions')).items;
    classes = (
      await Promise.all(institutions.map((i) => call('GET', `/institutions/${i.id}/classes`)))
    ).flatMap((r) => r.items);
  }
  const now = Date.now();
  const rows = [];
  for (const c of classes.filter((c) => c.filingState === 'confirmed')) {
    const detail = await call('GET', `/classes/${c.id}`);
    for (const s of detail.current.sessions
      .filter((s) => Date.parse(s.endsAt) > now - 30 * 60_000)
      .slice(0, 3))
      rows.push({ c: detail, s });
  }
  rows.sort((a, b) => Date.parse(a.s.startsAt) - Date.parse(b.s.startsAt));
  const verb = me.roles.includes('maritime_officer') ? '旁听 Sit in' : '进入课堂 Enter';
  box.replaceChildren(
    h('h3', {}, '直播课 Live sessions'),
    rows.length === 0
      ? h('p', { class: 'muted' }, '近期没有已确认的课次 No confirmed sessions coming up')
      : h(
          'ul',
          {},
          rows.map(({ c, s }) =>
            h(
              'li',
              {},
              `${s.date} ${s.start}–${s.end} · ${c.name} · ${s.topic} `,
              h('a', { href: `./room.html?class=${c.id}&session=${s.id}`, class: 'button small' }, verb),
            ),
          ),
        ),
  );
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  formError(e.target, null);
  try {
    const pair = await call('POST', '/auth/login', {
      username: f.get('username'),
      password: f.get('password'),
    });
    saveTokens(pair);
    currentPassword = f.get('password');
    await home();
  } catch (err) {
    formError(e.target, err);
  }
});
$('change-password').addEventListener('submit', async (e) => {
  e.preventDefault();
  formError(e.target, null);
  try {
    await call('POST', '/auth/password', {
      currentPassword,
      newPassword: new FormData(e.target).get('newPassword'),
    });
    await home();
  } catch (err) {
    formError(e.target, err);
  }
});
const leave = async (path) => {
  await call('POST', path).catch(() => {});
  clearTokens();
  show('login');
};
$('logout').addEventListener('click', () => leave('/auth/logout'));
$('logout-all').addEventListener('click', () => leave('/auth/logout-all'));

if (getToken()) home().catch(() => show('login'));
else show('login');
