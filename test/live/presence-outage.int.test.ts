import type { Page } from 'playwright-core';
import { signedInPage, startClassroom, waitState, type Classroom } from '../helpers/classroom';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/**
 * JS-8: the live service's connection to PostgreSQL breaks for a few seconds mid-class (a TCP proxy
 * between them resets every connection and refuses new ones) while trainees turn their camera off
 * and on, leave and join. The attendance read back afterwards through the API is complete and right,
 * each event at the time it happened; a chat line sent meanwhile is refused, not falsely acknowledged.
 */
let proxy: TcpProxy;
let room: Classroom;
let instructor: Page;
const pages: Page[] = [];
const ids: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** openRoom, with room for a loaded machine (the page load itself is not what is tested). */
async function openRoom(r: Classroom, username: string): Promise<Page> {
  const page = await signedInPage(r.t, r.browser, username);
  page.setDefaultTimeout(90_000);
  await page.goto(`${r.t.baseUrl}/app/room.html?class=${r.classId}&session=${r.sessionId}&lite=1`);
  return page;
}

type W = {
  __live: {
    self: { id: string };
    setCamera(on: boolean): Promise<void>;
    request(n: string, d: unknown): Promise<unknown>;
  };
};
type Presence = {
  items: Array<{
    accountId: string;
    present: boolean;
    intervals: Array<{ from: string; to: string }>;
    events: Array<{ event: string; at: string }>;
  }>;
};

beforeAll(async () => {
  const db = new URL(process.env.DATABASE_URL!);
  proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
  room = await startClassroom({ live: { DATABASE_URL: proxy.url(process.env.DATABASE_URL!) } });
  instructor = await openRoom(room, room.w.usernames.instructor);
  await waitState(instructor, 'joined', 90_000);
  for (const t of room.trainees) pages.push(await openRoom(room, t.username));
  for (const p of pages) {
    await waitState(p, 'joined', 90_000);
    ids.push(await p.evaluate(() => (globalThis as unknown as W).__live.self.id));
  }
}, 400_000);
afterAll(async () => {
  await proxy?.restore(); // a failed run must not leave the live service without its database
  await room?.close();
  await proxy?.close();
}, 180_000);

const sfuRoom = () => room.live.signaling.rooms.get(room.sessionId)!;
async function until(probe: () => boolean, what: string, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('presence through a database outage', () => {
  it('[JS-8] camera off/on, a leave and a join while PostgreSQL is away are all in the attendance afterwards, at their own times; a chat line meanwhile gets an error ack', async () => {
    await until(() => ids.every((id) => sfuRoom().peers.get(id)?.present), 'every trainee present');
    await until(() => room.live.signaling.journal.pending === 0, 'presence stored');
    const [cam, leaver, chatter] = pages as [Page, Page, Page];

    await proxy.break();
    const outageFrom = Date.now();
    // Trainee 1 turns the camera off, then on again.
    const offFrom = Date.now();
    await cam.evaluate(() => (globalThis as unknown as W).__live.setCamera(false));
    const offTo = Date.now();
    await sleep(1500);
    const onFrom = Date.now();
    await cam.evaluate(() => (globalThis as unknown as W).__live.setCamera(true));
    const onTo = Date.now();
    // Trainee 2 leaves (closes the window) and comes back.
    const leaveFrom = Date.now();
    await leaver.context().close();
    await until(() => !sfuRoom().peers.has(ids[1]!), 'the leaver gone');
    const leaveTo = Date.now();
    const back = await openRoom(room, room.trainees[1]!.username);
    const joinFrom = Date.now();
    await waitState(back, 'joined', 90_000);
    await until(() => !!sfuRoom().peers.get(ids[1]!)?.present, 'the leaver back');
    const joinTo = Date.now();
    // Trainee 3 chats: not stored, so not acknowledged as sent.
    const chat = await chatter.evaluate(() =>
      (globalThis as unknown as W).__live.request('chat.send', { text: '断线期间的消息' }).then(
        () => ({ code: 'ok', retryable: false }),
        (e: { data: { code: string; retryable?: boolean } }) => ({
          code: e.data.code,
          retryable: !!e.data.retryable,
        }),
      ),
    );
    expect(chat).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    // The events wait, unstored, while the database is away.
    expect(room.live.signaling.journal.pending).toBeGreaterThanOrEqual(4);
    await sleep(Math.max(0, outageFrom + 5_000 - Date.now()));
    await proxy.restore();

    await until(() => room.live.signaling.journal.pending === 0, 'presence stored after the outage', 60_000);
    const { items } = await room.w.as.manager.call<Presence>(
      'GET',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/presence`,
    );
    const of = (id: string) => items.find((i) => i.accountId === id)!;
    const at = (s: string) => Date.parse(s);
    const within = (s: string, from: number, to: number) => at(s) >= from && at(s) <= to;

    // Camera off and on: two intervals, split exactly at those two moments.
    const c = of(ids[0]!);
    const off = c.events.filter((e) => e.event === 'camera.off');
    const on = c.events.filter((e) => e.event === 'camera.on');
    expect(off).toHaveLength(1);
    expect(on).toHaveLength(2);
    expect(within(off[0]!.at, offFrom, offTo)).toBe(true);
    expect(within(on[1]!.at, onFrom, onTo)).toBe(true);
    expect(c.intervals).toHaveLength(2);
    expect(c.intervals[0]!.to).toBe(off[0]!.at);
    expect(c.intervals[1]!.from).toBe(on[1]!.at);
    expect(c.present).toBe(true);

    // Left and came back: the drop and the new join, each once, at their times.
    const l = of(ids[1]!);
    const ends = l.events.filter((e) => e.event === 'network.drop' || e.event === 'leave');
    const joins = l.events.filter((e) => e.event === 'join');
    expect(ends).toHaveLength(1);
    expect(within(ends[0]!.at, leaveFrom, leaveTo)).toBe(true);
    expect(joins).toHaveLength(2);
    expect(within(joins[1]!.at, joinFrom, joinTo)).toBe(true);
    expect(l.intervals).toHaveLength(2);
    // (Its media stopped with the connection, logged in the same instant.)
    expect(within(l.intervals[0]!.to, leaveFrom, leaveTo)).toBe(true);
    expect(at(l.intervals[1]!.from)).toBeGreaterThanOrEqual(joinFrom);
    expect(l.present).toBe(true);

    // Present throughout: one interval, nothing lost or doubled.
    const s = of(ids[2]!);
    expect(s.intervals).toHaveLength(1);
    expect(s.present).toBe(true);
    for (const item of items) {
      const keys = item.events.map((e) => `${e.event}@${e.at}`);
      expect(new Set(keys).size).toBe(keys.length);
    }

    // The chat line from the outage is not there; sent again now, it is stored and acknowledged.
    const again = await chatter.evaluate(() =>
      (globalThis as unknown as W).__live.request('chat.send', { text: '恢复后的消息' }),
    );
    expect(again).toMatchObject({ id: expect.any(String) });
    const stored = await room.w.as.manager.call<{ items: Array<{ id: string; text: string | null }> }>(
      'GET',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/interactions`,
    );
    expect(stored.items.map((i) => i.text)).toEqual(['恢复后的消息']);
    expect(stored.items[0]!.id).toBe((again as { id: string }).id);
    pages[1] = back;
  }, 300_000);
});
