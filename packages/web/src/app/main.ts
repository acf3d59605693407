// Sign-in, first-password change, and the home of each role: a trainee's classes with their full
// timetables, the way into each session (inside its join window, a countdown before) and the class
// group; an instructor's classes, roster, sessions and past interactions; the pages of managers and
// officers; the platform admin's institutions, jurisdictions and officers.
import type { ClassView, Role } from '@seafarer/contracts';
import { ROLE_LABELS } from '@seafarer/contracts';
import { api, clearTokens, getToken, saveTokens, setOnSignedOut, type Me } from '../shared/api';
import { byId, h, section, type Child } from '../shared/dom';
import { showError } from '../shared/errors';
import { fmtCountdown, fmtDateTime, fmtMinutesAsHours, label } from '../shared/format';
import { chatPanel, rosterTable, sessionTable, type Names } from '../shared/ui';
import { adminHome } from './admin';
import { creditedBox } from './attendance-appeal';
import { evaluationLinks } from '../evaluation/home-link';
import { myExamsCard } from '../exam/home-list';

type Session = ClassView['current']['sessions'][number];

let currentPassword: string | null = null;
const timers: number[] = [];

const show = (id: 'login' | 'change-password' | 'home') => {
  for (const x of ['login', 'change-password', 'home']) byId(x).hidden = x !== id;
  // A home holds timetables and tables: the wide layout; the forms stay narrow.
  document.body.classList.toggle('wide', id === 'home');
};
const formError = (form: HTMLFormElement, err: unknown) =>
  showError(form.querySelector<HTMLElement>('.error'), err);

// On this page an ended session just shows the sign-in form again.
setOnSignedOut(() => {
  clearTokens();
  show('login');
});

/** The pages each role works in. */
const PAGES: Array<{ roles: Role[]; href: string; text: string; hint: string }> = [
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
    hint: '辖区机构的班级、待审核备案、版本变更、身份核验、通知 Classes of the jurisdiction, filings to review, version changes, identity checks, notices',
  },
];

async function home(): Promise<void> {
  const me = await api.auth.me();
  if (me.mustChangePassword) return show('change-password');
  for (const t of timers.splice(0)) clearInterval(t);
  byId('greeting').textContent = `您好，${me.displayName}`;
  byId('roles').textContent = me.roles.map((r) => label(ROLE_LABELS, r)).join('、');
  const links = byId('links');
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
  // The API documentation is for staff and integrators, not for trainees.
  if (!me.roles.every((r) => r === 'trainee'))
    links.append(h('li', {}, h('a', { href: '/docs' }, '接口文档 API documentation')));
  show('home');
  const box = byId('sessions');
  box.replaceChildren();
  const load = async () => {
    if (me.roles.includes('trainee')) await traineeHome(me, box);
    else if (
      me.roles.includes('instructor') &&
      !me.roles.some((r) => r === 'class_manager' || r === 'institution_admin')
    )
      await instructorHome(me, box);
    else if (me.roles.includes('platform_admin')) await adminHome(box);
    else await liveSessions(me, box);
  };
  load().catch((e: unknown) => showError(box, e));
}

// ---------- the way into a session ----------

/**
 * The way into a session's live room: a link inside its join window (the API's `joinOpensAt` /
 * `joinClosesAt`, the same window the join grant checks), a countdown before it, "ended" after it.
 */
function entryCell(cls: ClassView, s: Session, verb: string, attendedMinutes?: number): HTMLElement {
  const cell = h('span', { class: 'entry', dataset: { session: s.id } });
  const render = () => {
    const now = Date.now();
    // An API without the window fields (older server): the room itself says whether it admits.
    const opens = s.joinOpensAt ? Date.parse(s.joinOpensAt) : -Infinity;
    const closes = s.joinClosesAt ? Date.parse(s.joinClosesAt) : Infinity;
    if (now < opens) {
      const c = fmtCountdown(opens - now);
      cell.replaceChildren(h('span', { class: 'countdown muted' }, `${c.zh}后可进入 · opens in ${c.en}`));
    } else if (now <= closes)
      cell.replaceChildren(
        h('a', { href: `./room.html?class=${cls.id}&session=${s.id}`, class: 'button small' }, verb),
      );
    else
      cell.replaceChildren(
        h(
          'span',
          { class: 'muted' },
          attendedMinutes === undefined
            ? '已结束 Ended'
            : `已结束 Ended · 出勤 ${Math.round(attendedMinutes)} 分钟 attended ${Math.round(attendedMinutes)} min`,
        ),
      );
  };
  render();
  timers.push(window.setInterval(render, 30_000));
  return cell;
}

// ---------- trainee ----------

async function traineeHome(me: Me, box: HTMLElement): Promise<void> {
  const classes = (await api.classes.mine()).items;
  if (classes.length === 0) {
    box.replaceChildren(
      section(
        '我的班级 My classes',
        h('p', { class: 'muted' }, '还没有加入班级 You are not on a class roster yet'),
      ),
    );
    return;
  }
  const [details, attendance] = await Promise.all([
    Promise.all(classes.map((c) => api.classes.get(c.id))),
    Promise.all(classes.map((c) => api.classes.myAttendance(c.id).catch(() => null))),
  ]);
  box.replaceChildren(
    myExamsCard(),
    h('h3', {}, '我的班级 My classes'),
    ...details.map((cls, i) => {
      const att = attendance[i];
      const attended = new Map((att?.sessions ?? []).map((s) => [s.sessionId, s.attendedMinutes]));
      const names: Names = new Map();
      const chat = h('div', {});
      let stop: (() => void) | null = null;
      const group = h('details', { class: 'group' }, h('summary', {}, '班级群 Class group'), chat);
      group.addEventListener('toggle', () => {
        if (group.open && !stop) stop = chatPanel(chat, cls.id, me);
        else if (!group.open && stop) {
          stop();
          stop = null;
        }
      });
      return h(
        'section',
        { class: 'card class-card', dataset: { class: cls.id } },
        h('h3', {}, `${cls.code} · ${cls.name}`),
        h(
          'p',
          { class: 'muted' },
          `${cls.institutionNameZh} · ${cls.trainingItemCode} ${cls.trainingItemNameZh} · ${cls.current.sessions.length} 个课次 sessions`,
        ),
        att
          ? h(
              'p',
              { class: 'total', 'data-testid': 'attendance' },
              `已出勤 Attended ${fmtMinutesAsHours(att.attendedMinutes)} 学时 h / 计划 Planned ${fmtMinutesAsHours(att.plannedMinutes)} 学时 h`,
            )
          : null,
        att ? creditedBox(cls.id, att) : null,
        cls.canRun
          ? sessionTable(cls.current.sessions, names, {
              title: '课堂 Room',
              cell: (s) => entryCell(cls, s, '进入课堂 Enter', attended.get(s.id)),
            })
          : h(
              'p',
              { class: 'info' },
              '开班计划尚待海事确认，确认后可进入课堂 The plan awaits the authority’s confirmation',
            ),
        group,
      );
    }),
  );
  // JS-14: the course evaluations the class managers opened, on top.
  void evaluationLinks(box);
}

// ---------- instructor ----------

async function instructorHome(me: Me, box: HTMLElement): Promise<void> {
  if (!me.institutionId) return;
  // The classes whose plan names this instructor (GET /me/classes).
  // Instructors may not list the institution's staff (403): the timetable goes without their names, as
  // the trainee's does.
  const list = await api.classes.mine();
  const names: Names = new Map();
  const details = await Promise.all(list.items.map((c) => api.classes.get(c.id)));
  const mine = details.filter((c) => c.current.instructors.includes(me.accountId));
  if (mine.length === 0) {
    box.replaceChildren(
      section('我的班级 My classes', h('p', { class: 'muted' }, '没有您任教的班级 No classes you teach')),
    );
    return;
  }
  box.replaceChildren(
    h('h3', {}, '我任教的班级 Classes I teach'),
    ...mine.map((cls) => {
      const rosterBox = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
      const roster = h('details', {}, h('summary', {}, `学员名册 Roster（${cls.rosterCount}）`), rosterBox);
      roster.addEventListener(
        'toggle',
        () =>
          void api.classes.roster(cls.id).then(
            (r) => rosterBox.replaceChildren(rosterTable(r.items)),
            (e: unknown) => showError(rosterBox, e),
          ),
        { once: true },
      );
      const past = cls.current.sessions.filter((s) => Date.parse(s.endsAt) < Date.now());
      return h(
        'section',
        { class: 'card class-card', dataset: { class: cls.id } },
        h('h3', {}, `${cls.code} · ${cls.name}`),
        h('p', { class: 'muted' }, `${cls.trainingItemCode} ${cls.trainingItemNameZh}`),
        cls.canRun
          ? sessionTable(cls.current.sessions, names, {
              title: '课堂 Room',
              cell: (s) => entryCell(cls, s, '进入课堂 Enter'),
            })
          : sessionTable(cls.current.sessions, names),
        roster,
        past.length ? h('h4', {}, '往期课次互动 Interactions of past sessions') : null,
        past.map((s) => interactionsOf(cls, s)),
      );
    }),
  );
}

const KIND: Record<string, string> = { chat: '消息 Chat', question: '提问 Question', hand: '举手 Hand' };

function interactionsOf(cls: ClassView, s: Session): HTMLElement {
  const body = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const d = h(
    'details',
    { class: 'interactions' },
    h('summary', {}, `${s.date} ${s.start}–${s.end} · ${s.topic}`),
    body,
  );
  d.addEventListener(
    'toggle',
    () =>
      void api.classes.interactions(cls.id, s.id).then(
        (r) =>
          body.replaceChildren(
            r.items.length === 0
              ? h('p', { class: 'muted' }, '本课次没有互动记录 No interactions in this session')
              : h(
                  'ul',
                  {},
                  r.items.map((i) =>
                    h(
                      'li',
                      {},
                      `${fmtDateTime(i.at)} · ${KIND[i.kind] ?? i.kind} · ${i.name}${i.text ? `：${i.text}` : ''}`,
                      i.answeredAt ? h('span', { class: 'badge st-confirmed' }, '已答 Answered') : null,
                    ),
                  ),
                ),
          ),
        (e: unknown) => showError(body, e),
      ),
    { once: true },
  );
  return d;
}

// ---------- staff and officers: upcoming sessions ----------

/** Upcoming sessions of confirmed classes, each with the way into its live room. */
async function liveSessions(me: Me, box: HTMLElement): Promise<void> {
  let classes;
  if (me.institutionId) classes = (await api.institution.classes(me.institutionId)).items;
  else {
    const institutions = (await api.institutions.list()).items;
    classes = (await Promise.all(institutions.map((i) => api.institution.classes(i.id)))).flatMap(
      (r) => r.items,
    );
  }
  const now = Date.now();
  const rows: Array<{ c: ClassView; s: Session }> = [];
  for (const c of classes.filter((c) => c.filingState === 'confirmed')) {
    const detail = await api.classes.get(c.id);
    for (const s of detail.current.sessions
      .filter((s) => Date.parse(s.endsAt) > now - 30 * 60_000)
      .slice(0, 3))
      rows.push({ c: detail, s });
  }
  rows.sort((a, b) => Date.parse(a.s.startsAt) - Date.parse(b.s.startsAt));
  const verb = me.roles.includes('maritime_officer') ? '旁听 Sit in' : '进入课堂 Enter';
  const items: Child[] = rows.map(({ c, s }) =>
    h('li', {}, `${s.date} ${s.start}–${s.end} · ${c.name} · ${s.topic} `, entryCell(c, s, verb)),
  );
  box.replaceChildren(
    h('h3', {}, '直播课 Live sessions'),
    rows.length === 0
      ? h('p', { class: 'muted' }, '近期没有已确认的课次 No confirmed sessions coming up')
      : h('ul', {}, items),
  );
}

// ---------- forms ----------

byId<HTMLFormElement>('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const f = new FormData(form);
  formError(form, null);
  void (async () => {
    try {
      const pair = await api.auth.login({
        username: String(f.get('username') ?? ''),
        password: String(f.get('password') ?? ''),
      });
      saveTokens(pair);
      currentPassword = String(f.get('password') ?? '');
      await home();
    } catch (err) {
      formError(form, err);
    }
  })();
});
byId<HTMLFormElement>('change-password').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  formError(form, null);
  void (async () => {
    try {
      await api.auth.changePassword({
        currentPassword: currentPassword ?? '',
        newPassword: String(new FormData(form).get('newPassword') ?? ''),
      });
      await home();
    } catch (err) {
      formError(form, err);
    }
  })();
});
const leave = async (all: boolean) => {
  await (all ? api.auth.logoutAll() : api.auth.logout()).catch(() => undefined);
  clearTokens();
  show('login');
};
byId('logout').addEventListener('click', () => void leave(false));
byId('logout-all').addEventListener('click', () => void leave(true));

if (getToken()) home().catch(() => show('login'));
else show('login');
