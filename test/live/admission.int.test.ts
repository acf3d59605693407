import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '@seafarer/sdk';
import { ERROR_MESSAGES, type JoinGrantView } from '@seafarer/contracts';
import { startTestApp, type TestApp } from '../helpers/app';
import { movableClock } from '../helpers/clock';
import {
  confirmedClass,
  freePorts,
  startLiveNode,
  type ConfirmedClass,
  type LiveNode,
} from '../helpers/cluster';
import { connectWithGrant, type RawPeer } from '../helpers/live-socket';

/**
 * The live node's own refusals, over the socket protocol itself (what a modified client could send):
 * JS-6's cap in the room, JS-16's silent observer, TM-2's removal and VC-3's end, persisted so that
 * the API refuses grants and a node taking the session over refuses admission too.
 */
let t: TestApp;
let klass: ConfirmedClass;
let nodes: LiveNode[];
const peers: RawPeer[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const clock = movableClock();
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-admission-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  const [pa, pb] = await freePorts(2);
  // Node B starts only when node A is gone (the takeover), so the API's map always names A first.
  nodes = [await startLiveNode('adm-a', pa!, shared)];
  t = await startTestApp(
    {
      ...shared,
      LIVE_PUBLIC_URL: nodes[0]!.url,
      LIVE_NODE_ORIGINS: [nodes[0]!.url, `http://127.0.0.1:${pb}`].join(','),
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
    },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'A', name: '准入测试班', rosterSeed: 500 });
  (globalThis as { __nodeB?: number }).__nodeB = pb;
}, 120_000);
afterAll(async () => {
  for (const p of peers) p.close();
  for (const n of nodes ?? []) await n.live.close();
  await t?.close();
}, 60_000);

const grantOf = (who: ConfirmedClass['trainees'][number]) => klass.grant(who);
async function join(grant: JoinGrantView, url = grant.liveUrl): Promise<RawPeer> {
  const c = await connectWithGrant(url, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peers.push(c.peer);
  return c.peer;
}
const room = () => nodes[0]!.live.signaling.rooms.get(klass.sessionId)!;
const traineesIn = () => [...room().peers.values()].filter((p) => p.role === 'trainee').length;
const apiCode = async (p: Promise<unknown>) =>
  p.then(
    () => 'granted',
    (e: ApiError) => `${e.status} ${e.body.code} ${e.body.message.en}`,
  );

let instructor: RawPeer;
let trainee0: RawPeer;
let trainee1: RawPeer;
let earlyGrant1: JoinGrantView;
let earlyGrantEnd: JoinGrantView;

describe('admission and refusals on the live node', () => {
  it('[JS-6] with the licensed scale cut to 2 after confirmation, the third trainee on the roster is refused by the live node; the two others are in', async () => {
    const items = await klass.w.as.admin.call<{ items: Array<{ id: string; licensedScale: number }> }>(
      'GET',
      `/api/v1/institutions/${klass.w.institutionId}/training-items`,
    );
    const licensed = items.items.find((i) => i.id === klass.w.theoryItemId)!.licensedScale;
    await klass.w.as.admin.call('PATCH', `/api/v1/training-items/${klass.w.theoryItemId}`, {
      body: { licensedScale: 2 },
    });
    instructor = await join(await klass.grant(klass.w.as.instructor));
    const grants = await Promise.all(klass.trainees.map(grantOf));
    trainee0 = await join(grants[0]!);
    trainee1 = await join(grants[1]!);
    const third = await connectWithGrant(grants[2]!.liveUrl, grants[2]!);
    expect(third).toMatchObject({
      ok: false,
      stage: 'admission',
      error: { code: 'CAPACITY_EXCEEDED', message: ERROR_MESSAGES.CAPACITY_EXCEEDED },
    });
    expect(traineesIn()).toBe(2);
    // A reconnection of one of the two replaces it (TM-3) and is not counted twice.
    trainee1 = await join(await grantOf(klass.trainees[1]!));
    expect(traineesIn()).toBe(2);
    await klass.w.as.admin.call('PATCH', `/api/v1/training-items/${klass.w.theoryItemId}`, {
      body: { licensedScale: licensed },
    });
  });

  it("[JS-16] the server refuses an observer's transport for sending, produce and chat: coded error acks, nothing stored, nothing forwarded", async () => {
    await Promise.all(
      [instructor, trainee0].map((p) =>
        p.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } }),
      ),
    );
    const officer = await join(await klass.grant(klass.w.as.officer));
    expect(
      await officer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } }),
    ).toMatchObject({
      ok: true,
      data: { self: { role: 'observer', hidden: true } },
    });
    const send = await officer.ack('transport.create', { direction: 'send' });
    expect(send).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN } });
    // A send transport is not even needed to be refused: the role is.
    const produce = await officer.ack('produce', {
      transportId: 'any',
      kind: 'video',
      rtpParameters: { codecs: [], encodings: [] },
      source: 'camera',
    });
    expect(produce).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN } });
    const chat = await officer.ack('chat.send', { text: '检查员在此' });
    expect(chat).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: ERROR_MESSAGES.FORBIDDEN } });
    // Malformed input is refused before any rule (VALIDATION), nothing done.
    expect(await trainee0.ack('chat.send', { text: 'x', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    await sleep(300);
    const officerPeer = [...room().peers.values()].find((p) => p.role === 'observer')!;
    expect(officerPeer.producers.size).toBe(0);
    expect(officerPeer.transports.size).toBe(0);
    for (const p of [instructor, trainee0]) {
      expect(p.received('chat.message')).toEqual([]);
      expect(p.received('producer.new')).toEqual([]);
      // Trainees are never told of an observer; the instructor is, by count only.
      expect(p.received('peer.joined').some((x) => x.role === 'observer')).toBe(false);
    }
    expect(instructor.received('observers.changed').at(-1)).toEqual({ count: 1 });
    const stored = await klass.w.as.manager.call<{ items: Array<{ accountId: string }> }>(
      'GET',
      `/api/v1/classes/${klass.classId}/sessions/${klass.sessionId}/interactions`,
    );
    const me = await klass.w.as.officer.auth.me();
    expect(stored.items.filter((i) => i.accountId === me.accountId)).toEqual([]);
    // What a trainee sends is stored and acknowledged with the stored id.
    const ok = await trainee0.ack('chat.send', { text: '老师好' });
    expect(ok).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    officer.close();
  });

  it('[JS-8] [VC-2] no request pauses or stops the recording: the instructor asking for one is refused with a code', async () => {
    for (const name of ['recording.pause', 'recording.stop', 'recorder.pause'])
      expect(await instructor.ack(name as 'session.end', {})).toEqual({
        ok: false,
        error: { code: 'ROUTE_NOT_FOUND', message: ERROR_MESSAGES.ROUTE_NOT_FOUND },
      });
  });

  it('[TM-2] a removed trainee gets no new grant from the API, and a grant issued before the removal is refused by the live node', async () => {
    earlyGrant1 = await grantOf(klass.trainees[1]!);
    const removedMe = await klass.trainees[1]!.auth.me();
    const kicked = new Promise((r) => trainee1.socket.once('removed', r));
    expect(await instructor.ack('peer.remove', { peerId: removedMe.accountId })).toEqual({
      ok: true,
      data: null,
    });
    expect(await kicked).toEqual({ reason: 'removed' });
    expect(await apiCode(grantOf(klass.trainees[1]!))).toBe(
      '403 FORBIDDEN You were removed from this session',
    );
    const back = await connectWithGrant(earlyGrant1.liveUrl, earlyGrant1);
    expect(back).toMatchObject({ ok: false, stage: 'connect', error: { code: 'FORBIDDEN' } });
    // Other trainees still get grants.
    expect(await apiCode(grantOf(klass.trainees[2]!))).toBe('granted');
  });

  it('[TM-2] [REL-1] after the node goes away, the node that takes the session over refuses the removed trainee too', async () => {
    await nodes[0]!.live.close();
    nodes.push(
      await startLiveNode('adm-b', (globalThis as { __nodeB?: number }).__nodeB!, {
        STORAGE_DIR: t.config.STORAGE_DIR,
        QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      }),
    );
    const b = nodes[1]!;
    const back = await connectWithGrant(b.url, earlyGrant1);
    expect(back).toMatchObject({ ok: false, stage: 'connect', error: { code: 'FORBIDDEN' } });
    expect(b.live.signaling.rooms.size).toBe(0);
    // The session goes on there: the instructor and a trainee come back.
    const grant = await klass.grant(klass.w.as.instructor);
    expect(grant.liveUrl).toBe(b.url);
    instructor = await join(grant);
    trainee0 = await join(await grantOf(klass.trainees[0]!));
    await trainee0.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
  });

  it('[VC-3] an ended session gets no grant from the API, and a live node, this one or one started afresh, refuses a grant issued before the end', async () => {
    earlyGrantEnd = await grantOf(klass.trainees[2]!);
    const ended = new Promise<{ by: string }>((r) => trainee0.socket.once('session.ended', r));
    expect(await instructor.ack('session.end', {})).toEqual({ ok: true, data: { ending: true } });
    expect((await ended).by).toBe((await klass.w.as.instructor.auth.me()).displayName);
    for (const who of [klass.trainees[0]!, klass.w.as.instructor, klass.w.as.officer])
      expect(await apiCode(klass.grant(who))).toBe('422 PRECONDITION_FAILED This session has ended');
    const b = nodes[1]!;
    const late = await connectWithGrant(b.url, earlyGrantEnd);
    expect(late).toMatchObject({
      ok: false,
      stage: 'connect',
      error: { code: 'PRECONDITION_FAILED', message: { zh: '本次课已结束', en: 'This session has ended' } },
    });
    // A node that never hosted the room knows it too (PostgreSQL, not this node's memory).
    await b.live.close();
    nodes.push(
      await startLiveNode('adm-c', (globalThis as { __nodeB?: number }).__nodeB!, {
        STORAGE_DIR: t.config.STORAGE_DIR,
        QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      }),
    );
    const again = await connectWithGrant(nodes[2]!.url, earlyGrantEnd);
    expect(again).toMatchObject({ ok: false, stage: 'connect', error: { code: 'PRECONDITION_FAILED' } });
    expect(nodes[2]!.live.signaling.rooms.size).toBe(0);
  });
});
