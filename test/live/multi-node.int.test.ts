import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '@seafarer/config';
import { ERROR_MESSAGES } from '@seafarer/contracts';
import { createLiveNodeLocator, liveNodeKeys } from '@seafarer/core';
import { NodeDirectory } from '../../services/live/src/cluster/node-directory';
import { startTestApp, type TestApp } from '../helpers/app';
import { movableClock } from '../helpers/clock';
import { launchChromium, signedInPage, waitState } from '../helpers/classroom';
import {
  confirmedClass,
  freePorts,
  startLiveNode,
  type ConfirmedClass,
  type LiveNode,
} from '../helpers/cluster';

/** REL-1 with several live nodes: a session lives on one node, and moves when that node goes away. */
const redisUrl = loadConfig().REDIS_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('room → node map in Redis', () => {
  let prefix: string;
  let raw: Redis;
  const opened: Array<{ directory: NodeDirectory; redis: Redis }> = [];
  /** A node's directory on its own Redis connection (so the test can cut it off, as a crash would). */
  const node = async (nodeId: string, ttlMs = 60_000) => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const directory = new NodeDirectory({
      redis,
      prefix,
      nodeId,
      url: `http://${nodeId}.test:3100`,
      ttlMs,
      log: pino({ level: 'silent' }),
      load: () => ({ rooms: 0, peers: 0 }),
    });
    await directory.start();
    opened.push({ directory, redis });
    return { directory, redis };
  };

  beforeEach(() => {
    prefix = `test-${randomBytes(4).toString('hex')}`;
    raw = new Redis(redisUrl);
  });
  afterEach(async () => {
    for (const { directory, redis } of opened.splice(0)) {
      await directory.close();
      redis.disconnect();
    }
    raw.disconnect();
  });

  it('[REL-1] two nodes claiming one free room at once: exactly one hosts it, the other is told which', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    for (let i = 0; i < 25; i++) {
      const sessionId = randomUUID();
      const [ra, rb] = await Promise.all([a.directory.claim(sessionId), b.directory.claim(sessionId)]);
      expect([ra.here, rb.here].filter(Boolean)).toHaveLength(1);
      const winner = ra.here ? 'node-a' : 'node-b';
      expect(ra.here ? rb : ra).toEqual({ here: false, nodeId: winner, url: `http://${winner}.test:3100` });
      expect(await raw.get(liveNodeKeys(prefix).room(sessionId))).toBe(winner);
      // Asking again changes nothing.
      expect(await (ra.here ? a : b).directory.claim(sessionId)).toEqual({ here: true });
      expect((await (ra.here ? b : a).directory.claim(sessionId)).here).toBe(false);
    }
  });

  it('[REL-1] a room whose node is no longer registered goes to exactly one of two claimants', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const keys = liveNodeKeys(prefix);
    for (let i = 0; i < 25; i++) {
      const sessionId = randomUUID();
      await raw.set(keys.room(sessionId), 'node-gone', 'PX', 60_000);
      const [ra, rb] = await Promise.all([a.directory.claim(sessionId), b.directory.claim(sessionId)]);
      expect([ra.here, rb.here].filter(Boolean)).toHaveLength(1);
      expect(await raw.get(keys.room(sessionId))).toBe(ra.here ? 'node-a' : 'node-b');
    }
  });

  it("[REL-1] a node that stops heart-beating keeps its room for the TTL only; release never frees another node's room", async () => {
    const ttl = 2000;
    const a = await node('node-a', ttl);
    const b = await node('node-b', ttl);
    const keys = liveNodeKeys(prefix);
    const locate = createLiveNodeLocator({
      store: raw,
      prefix,
      origins: ['http://node-a.test:3100', 'http://node-b.test:3100'],
    });
    const sessionId = randomUUID();
    expect(await a.directory.claim(sessionId)).toEqual({ here: true });
    // The heartbeat keeps node-a and its room alive well past one TTL.
    await sleep(ttl * 1.5);
    expect(await b.directory.claim(sessionId)).toMatchObject({ here: false, nodeId: 'node-a' });
    expect(await locate(sessionId)).toBe('http://node-a.test:3100');
    // node-a can no longer reach Redis (a crashed or cut-off process): nothing refreshes its keys.
    a.redis.disconnect();
    const cutAt = Date.now();
    await expect(a.directory.claim(randomUUID())).rejects.toThrow();
    for (;;) {
      const r = await b.directory.claim(sessionId);
      if (r.here) break;
      expect(Date.now() - cutAt).toBeLessThan(ttl * 5); // the TTL plus generous slack for a busy machine
      await sleep(100);
    }
    expect(await raw.exists(keys.node('node-a'))).toBe(0);
    expect(await raw.get(keys.room(sessionId))).toBe('node-b');
    expect(await locate(sessionId)).toBe('http://node-b.test:3100');
    // node-a restarts under its old name: its release leaves node-b's room alone, its claim is refused.
    const again = await node('node-a', ttl);
    await again.directory.release(sessionId);
    expect(await raw.get(keys.room(sessionId))).toBe('node-b');
    expect(await again.directory.claim(sessionId)).toEqual({
      here: false,
      nodeId: 'node-b',
      url: 'http://node-b.test:3100',
    });
    // A node that leaves in good order leaves the map at once.
    await b.directory.close();
    expect(await raw.exists(keys.node('node-b'))).toBe(0);
    expect(await raw.exists(keys.room(sessionId))).toBe(0);
    expect(await raw.zrange(keys.nodes, 0, -1)).toEqual(['node-a']);
  });
});

describe('two live nodes behind one API', () => {
  let t: TestApp;
  let nodes: LiveNode[];
  let klass: ConfirmedClass;
  let redis: Redis;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const clock = movableClock();
    const shared = {
      STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-nodes-')),
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      LIVE_NODE_TTL_SECONDS: '2',
    };
    const [pa, pb] = await freePorts(2);
    nodes = [await startLiveNode('node-a', pa!, shared), await startLiveNode('node-b', pb!, shared)];
    t = await startTestApp(
      {
        ...shared,
        // Where grants point when no node is registered; here both are, and the map decides.
        LIVE_PUBLIC_URL: nodes[0]!.url,
        LIVE_NODE_ORIGINS: nodes.map((n) => n.url).join(','),
        REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
      },
      { clock },
    );
    klass = await confirmedClass(t, clock);
    redis = new Redis(t.config.REDIS_URL);
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const n of nodes ?? []) await n.live.close();
    await t?.close();
    redis?.disconnect();
  }, 60_000);

  const open = (url: string, grant: string) => {
    const socket = connect(url, { auth: { grant }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return socket;
  };
  const admitted = (url: string, grant: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = open(url, grant);
      socket.on('admission.ready', () => resolve(socket));
      socket.on('admission.refused', reject);
      socket.on('connect_error', reject);
    });
  const refused = (url: string, grant: string) =>
    new Promise<{ code: string; message: unknown; details?: unknown }>((resolve, reject) => {
      const socket = open(url, grant);
      socket.on('connect_error', (e: Error & { data?: { code: string; message: unknown } }) =>
        e.data ? resolve(e.data) : reject(e),
      );
      socket.on('connect', () => reject(new Error('admitted')));
    });
  const byUrl = (url: string) => nodes.find((n) => n.url === url)!;
  let host: LiveNode;
  let other: LiveNode;

  it('[REL-1] every peer of a session is sent to the node hosting it; another node refuses with ROOM_ON_OTHER_NODE and names the host', async () => {
    const keys = liveNodeKeys(t.config.QUEUE_PREFIX);
    expect((await redis.zrange(keys.nodes, 0, -1)).sort()).toEqual(['node-a', 'node-b']);
    const instructor = await klass.grant(klass.w.as.instructor);
    expect(nodes.map((n) => n.url)).toContain(instructor.liveUrl);
    host = byUrl(instructor.liveUrl);
    other = nodes.find((n) => n !== host)!;
    await admitted(instructor.liveUrl, instructor.grant);
    expect(host.live.signaling.rooms.has(klass.sessionId)).toBe(true);
    expect(await redis.get(keys.room(klass.sessionId))).toBe(host.id);

    const trainee = await klass.grant(klass.trainees[0]!);
    expect(trainee.liveUrl).toBe(host.url);
    // A client that reaches the other node anyway (a stale URL, a load balancer) is told where to go.
    const refusal = await refused(other.url, trainee.grant);
    expect(refusal).toEqual({
      code: 'ROOM_ON_OTHER_NODE',
      message: ERROR_MESSAGES.ROOM_ON_OTHER_NODE,
      details: { url: host.url },
    });
    expect(other.live.signaling.rooms.has(klass.sessionId)).toBe(false);
    await admitted((refusal.details as { url: string }).url, trainee.grant);
    expect(host.live.signaling.rooms.get(klass.sessionId)!.peers.size).toBe(2);
    // The host's heartbeat reports its load.
    await sleep(1000);
    expect(await redis.hgetall(keys.node(host.id))).toMatchObject({ url: host.url, rooms: '1', peers: '2' });
  });

  it('[REL-1] the web client handed the wrong node follows the refusal to the host and joins there with camera and microphone', async () => {
    const browser = await launchChromium();
    try {
      const trainee = klass.issued[2]!;
      const page = await signedInPage(t, browser, trainee.username);
      // The first grant names the node that does not host the session (as after a stale lookup).
      let rewritten = 0;
      await page.route('**/join-grant', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { liveUrl: string };
        if (rewritten++ === 0) body.liveUrl = other.url;
        await route.fulfill({ response, json: body });
      });
      await page.goto(`${t.baseUrl}/app/room.html?class=${klass.classId}&session=${klass.sessionId}&lite=1`);
      await waitState(page, 'joined');
      expect(rewritten).toBeGreaterThanOrEqual(1);
      const id = await page.evaluate(
        () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
      );
      const room = host.live.signaling.rooms.get(klass.sessionId)!;
      // Present on the host: publishing camera and microphone there (JS-8); nothing on the other node.
      for (let i = 0; i < 40 && !room.peers.get(id)?.present; i++) await sleep(250);
      expect(room.peers.get(id)?.present).toBe(true);
      expect(other.live.signaling.rooms.has(klass.sessionId)).toBe(false);
      await page.context().close();
    } finally {
      await browser.close();
    }
  });

  it('[REL-1] when the hosting node goes away, grants point at the other node, which takes the session over', async () => {
    const keys = liveNodeKeys(t.config.QUEUE_PREFIX);
    await host.live.close();
    expect(await redis.exists(keys.node(host.id))).toBe(0);
    const trainee = await klass.grant(klass.trainees[1]!);
    expect(trainee.liveUrl).toBe(other.url);
    await admitted(trainee.liveUrl, trainee.grant);
    expect(other.live.signaling.rooms.has(klass.sessionId)).toBe(true);
    expect(await redis.get(keys.room(klass.sessionId))).toBe(other.id);
    // Everyone else follows to the same node.
    const instructor = await klass.grant(klass.w.as.instructor);
    expect(instructor.liveUrl).toBe(other.url);
    await admitted(instructor.liveUrl, instructor.grant);
    expect(other.live.signaling.rooms.get(klass.sessionId)!.peers.size).toBe(2);
  });
});
