import http from 'node:http';
import os from 'node:os';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '@seafarer/config';
import path from 'node:path';
import {
  createDiskEvidenceStore,
  createJobOutbox,
  createProctorRecords,
  createNotificationService,
  createRollCallService,
  createSpotCheckService,
  httpFaceMatch,
  manualReview,
  createJoinGrants,
  createLiveLogService,
  createMemoryWindowCounter,
  createRecordingService,
  LOG_REDACT_PATHS,
  REDACTED,
  signingKeys,
  systemClock,
  type Clock,
} from '@seafarer/core';
import { checkReadiness, closeRedis, createRedisWatch, pingRedis, processErrorCounts } from '@seafarer/queue';
import { sql } from 'drizzle-orm';
import { SessionRecorder } from './recording/session-recorder';
import type { Room } from './room/room';
import { createDb } from '@seafarer/db';
import { loadMediasoup } from './media/mediasoup';
import { WorkerPool } from './media/worker-pool';
import { NodeDirectory } from './cluster/node-directory';
import { createRedisWindowCounter } from './cluster/account-counter';
import { createHousekeeping } from './room/housekeeping';
import { grabStill } from './media/frame-grab';
import { attachSignaling, type SignalingDeps } from './signaling';
import { createProctorRunner, type ProctorRunner } from './room/proctoring';
import type { StillSource } from './room/rollcalls';

/** Tries to store a closed room's recording row (1 s, 2 s, 4 s … apart: about a minute in all). */
const RECORDING_STORE_ATTEMPTS = 7;

export interface LiveServer {
  http: http.Server;
  io: Server;
  pool: WorkerPool;
  signaling: ReturnType<typeof attachSignaling>;
  /** This node's entry in the room → node map. */
  directory: NodeDirectory;
  /** JS-13.2: opens a stored scheduled roll-call in the room of `sessionId` if this node hosts it. */
  fireRollCall(rollCallId: string, sessionId: string): Promise<{ fired: boolean }>;
  /** JS-7.3: the proctoring of exams invigilated in this node's rooms (stills, camera). */
  proctor: ProctorRunner;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** Builds the live service without listening (tests run it in-process on port 0). */
export async function buildLiveServer(opts: {
  config: Config;
  log: Logger;
  clock?: Clock;
  hooks?: SignalingDeps['hooks'];
}): Promise<LiveServer> {
  const { config } = opts;
  // SEC-3: join grants (socket handshake auth) and tokens never reach the log, whatever logger we get.
  const log = opts.log.child({}, { redact: { paths: LOG_REDACT_PATHS, censor: REDACTED } });
  const clock = opts.clock ?? systemClock;
  const mediasoup = await loadMediasoup(config.MEDIASOUP_WORKER_BIN);
  const size = config.LIVE_WORKERS > 0 ? config.LIVE_WORKERS : os.cpus().length;
  const pool = await WorkerPool.create(
    mediasoup,
    size,
    { logLevel: 'warn', rtcMinPort: config.RTC_MIN_PORT, rtcMaxPort: config.RTC_MAX_PORT },
    log,
  );
  const dbHandle = createDb(config.DATABASE_URL, { applicationName: 'seafarer-live', max: 5 });
  // An idle connection PostgreSQL (or the network) dropped is an 'error' on the pool: without a
  // listener node would crash the service. The next query opens a new connection.
  dbHandle.pool.on('error', (err) => log.warn({ err }, 'a PostgreSQL connection was lost'));
  // REL-2: every Redis connection (room → node map, socket.io adapter pub/sub) has an error listener;
  // an outage is logged once when it starts and once when it ends, not per reconnection attempt.
  const redisWatch = createRedisWatch(log);
  const retryStrategy = (attempt: number) => Math.min(attempt * 100, 1000);
  const redis = redisWatch.client(
    new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, retryStrategy }),
    'node-directory',
  );
  // The adapter publishes without handling a rejection: its commands wait for Redis rather than fail.
  const pub = redisWatch.client(
    new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, retryStrategy }),
    'adapter-pub',
  );
  const sub = redisWatch.client(pub.duplicate(), 'adapter-sub');
  // REL-1: closing rooms and storing their records: logged, retried, counted; never a crash.
  const housekeeping = createHousekeeping(log.child({ component: 'housekeeping' }));

  const server = http.createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/healthz' || req.url === '/readyz') {
      const workers = pool.all.map((w) => ({ pid: w.pid, closed: w.closed }));
      // REL-1: liveness from memory only (no I/O): the workers, the errors nobody handled that this
      // process survived (process policy), and room housekeeping that failed for good (logged).
      const liveness = {
        service: 'live',
        workers,
        ...processErrorCounts(),
        housekeepingFailures: housekeeping.failures,
      };
      if (req.url === '/healthz') return answer(200, { status: 'ok', ...liveness, checks: {} });
      // Red while a mediasoup worker is down, or PostgreSQL or Redis does not answer; green after.
      checkReadiness({
        postgres: () => dbHandle.db.execute(sql`select 1`),
        redis: () => pingRedis(redis),
        adapter: async () => {
          await pingRedis(pub);
          if (sub.status !== 'ready') throw new Error(`Redis connection is ${sub.status}`);
        },
        mediasoup: async () => {
          if (workers.some((w) => w.closed)) throw new Error('a mediasoup worker is down');
        },
      })
        .then((r) =>
          answer(r.ok ? 200 : 503, { status: r.ok ? 'ok' : 'degraded', ...liveness, checks: r.body.checks }),
        )
        .catch((err: unknown) => {
          log.error({ err }, 'readiness answer failed');
          if (!res.headersSent) answer(503, { status: 'degraded', ...liveness, checks: {} });
        });
      return;
    }
    answer(404, { code: 'ROUTE_NOT_FOUND', message: { zh: '接口不存在', en: 'No such endpoint' } });
  });
  // Admission is by a signed grant, never by cookies, so any page origin may connect.
  const io = new Server(server, {
    cors: { origin: true, credentials: false },
    // Its channels are this deployment's own (QUEUE_PREFIX): other deployments or test runs sharing the
    // Redis would otherwise be asked, and waited for, on every cross-node request.
    adapter: createAdapter(pub, sub, { key: `${config.QUEUE_PREFIX}:socket.io` }),
    pingInterval: 5000,
    pingTimeout: 5000,
  });
  // SEC-3: only grants signed with the join-grant key are admitted (never an access token, nor a grant
  // signed with another key derived from the same master secret).
  const keys = signingKeys(config.JWT_SECRET);
  const grants = createJoinGrants(keys.joinGrant, clock);
  // REL-2: the post-processing job is written to the outbox with the manifest (the worker relays it).
  const jobs = createJobOutbox({ clock, queue: config.QUEUE_PREFIX });
  const recordingStore = createRecordingService({ db: dbHandle.db, clock, jobs, key: keys.replayUrl });
  // JS-8 / VC-2: every room is recorded from its first instructor track to its close; nobody can pause it.
  const recorders = new Map<Room, SessionRecorder>();
  const recordingHooks: NonNullable<SignalingDeps['hooks']> = {
    onRoomCreated(room) {
      recorders.set(
        room,
        new SessionRecorder({
          router: room.router,
          sessionId: room.sessionId,
          dir: path.join(config.STORAGE_DIR, 'recordings'),
          listenIp: config.LIVE_LISTEN_IP,
          log: log.child({ sessionId: room.sessionId, component: 'recorder' }),
          ports: { min: config.REC_MIN_PORT, max: config.REC_MAX_PORT },
        }),
      );
    },
    onInstructorProducer: (room, producer, source) => recorders.get(room)?.addProducer(producer, source),
    onRoomRebuilt: (room) => recorders.get(room)?.rebind(room.router),
    async onRoomClosed(room) {
      const recorder = recorders.get(room);
      recorders.delete(room);
      if (!recorder) return;
      const manifest = await recorder.stop();
      // REL-1: manifest.json is on disk already; its row and post-processing job are retried (a
      // minute or so) if the database refuses them, and logged and counted if it never takes them.
      // The room's close waits for the first try only.
      await housekeeping.run(
        'store the recording',
        () =>
          recordingStore.saveManifest(manifest, { classId: room.classId, institutionId: room.institutionId }),
        { attempts: RECORDING_STORE_ATTEMPTS, context: { sessionId: room.sessionId } },
      ).first;
    },
  };
  // Several live nodes: each session is hosted by the one node that claimed it (room → node map).
  const directory = new NodeDirectory({
    redis,
    prefix: config.QUEUE_PREFIX,
    nodeId: config.LIVE_NODE_ID || `${os.hostname()}:${config.LIVE_PORT}`,
    url: config.LIVE_PUBLIC_URL,
    ttlMs: config.LIVE_NODE_TTL_SECONDS * 1000,
    log: log.child({ component: 'node-directory' }),
    load: () => ({
      rooms: signaling.rooms.size,
      peers: [...signaling.rooms.values()].reduce((n, room) => n + room.peers.size, 0),
    }),
    // Our claim lapsed and another node hosts the session now: send our peers there (they re-join).
    onLost: (sessionId) => io.local.in(`ses:${sessionId}`).disconnectSockets(true),
  });
  // JS-13.2 / JS-7.2 / JS-7.3: stills grabbed from the live stream (UDP ports of the recorder's range).
  const stills: StillSource = {
    grab(owner) {
      const producer = owner.producerOf('camera');
      if (!producer || !owner.router) return Promise.reject(new Error('no camera published'));
      return grabStill({
        router: owner.router,
        producer,
        listenIp: config.LIVE_LISTEN_IP,
        ports: { min: config.REC_MIN_PORT, max: config.REC_MAX_PORT },
        log: log.child({ component: 'stills' }),
      });
    },
  };
  const faceMatch = config.FACE_MATCH_URL
    ? httpFaceMatch(config.FACE_MATCH_URL, config.FACE_MATCH_SECRET)
    : manualReview;
  const signaling = attachSignaling({
    io,
    pool,
    verifyGrant: (g) => grants.verify(g),
    liveLog: createLiveLogService({ db: dbHandle.db, clock }),
    log,
    maxPeersPerRouter: config.LIVE_ROUTER_MAX_PEERS,
    network: {
      listenIp: config.LIVE_LISTEN_IP,
      ...(config.LIVE_ANNOUNCED_IP && { announcedIp: config.LIVE_ANNOUNCED_IP }),
    },
    clock,
    hooks: { ...recordingHooks, ...opts.hooks },
    placement: directory,
    housekeeping,
    // JS-13.2 / JS-7.2: stills grabbed from the live stream (UDP ports of the recorder's range), evidence.
    services: {
      db: dbHandle.db,
      clock,
      evidence: createDiskEvidenceStore(config.STORAGE_DIR),
      // JS-7.2: spot checks; a flag's notifications are delivered through the outbox, like the API's.
      spotChecks: createSpotCheckService({
        db: dbHandle.db,
        clock,
        store: createDiskEvidenceStore(config.STORAGE_DIR),
        faceMatch,
        notifications: createNotificationService({ db: dbHandle.db, clock, jobs }),
      }),
      stills,
    },
    // SEC-1: an account's chat, questions and hands are counted once for all live nodes.
    accountCounter: createRedisWindowCounter({
      redis,
      prefix: config.QUEUE_PREFIX,
      fallback: createMemoryWindowCounter(clock),
      log: log.child({ component: 'limits' }),
    }),
  });

  // JS-13.2: a scheduled roll-call that fell due arrives from the worker on this channel; the node
  // hosting its session opens it. The sweep is the durable backstop (a message lost, Redis away when
  // the job ran): every 15 s, the scheduled roll-calls of the rooms hosted here whose time has passed.
  const scheduled = createRollCallService({ db: dbHandle.db, clock, jobs });
  const fireDue = (rollCallId: string, sessionId: string) =>
    signaling.rollCalls
      .fireRollCall(rollCallId, sessionId)
      .catch((err: unknown) => log.warn({ err, rollCallId, sessionId }, 'scheduled roll-call not opened'));
  const fireSub = redisWatch.client(redis.duplicate(), 'rollcall-sub');
  fireSub.on('message', (_channel: string, message: string) => {
    try {
      const { rollCallId, sessionId } = JSON.parse(message) as { rollCallId: string; sessionId: string };
      if (signaling.rooms.has(sessionId)) void fireDue(rollCallId, sessionId);
    } catch (err) {
      log.warn({ err }, 'unreadable scheduled roll-call message');
    }
  });
  fireSub
    .subscribe(`${config.QUEUE_PREFIX}:rollcall.fire`)
    .catch((err: unknown) =>
      log.warn({ err }, 'scheduled roll-calls not subscribed (the sweep still fires them)'),
    );
  const scheduledSweep = setInterval(() => {
    const hosted = [...signaling.rooms.values()].map((r) => r.sessionId);
    if (!hosted.length) return;
    scheduled
      .dueScheduled(hosted)
      .then((due) => Promise.all(due.map((d) => fireDue(d.id, d.sessionId))))
      .catch((err: unknown) => log.warn({ err }, 'scheduled roll-call sweep failed'));
  }, 15_000);
  scheduledSweep.unref();

  // JS-7.3: exams invigilated in this node's rooms: random stills of each attempt, camera off flagged.
  const proctor = createProctorRunner({
    rooms: signaling.rooms,
    records: createProctorRecords({
      db: dbHandle.db,
      clock,
      store: createDiskEvidenceStore(config.STORAGE_DIR),
      faceMatch,
    }),
    stills,
    clock,
    log,
  });

  let closed = false;
  return {
    http: server,
    io,
    pool,
    signaling,
    directory,
    fireRollCall: (rollCallId, sessionId) => signaling.rollCalls.fireRollCall(rollCallId, sessionId),
    proctor,
    async listen(port, host) {
      const bound = await new Promise<number>((resolve) =>
        server.listen(port, host, () => resolve((server.address() as { port: number }).port)),
      );
      // Registered once reachable: from now on the API may send people here.
      await directory.start();
      return bound;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(scheduledSweep);
      proctor.stop();
      await closeRedis(fireSub);
      await signaling.close();
      await directory.close();
      // socket.io's close is async: a failure of its own is logged, the shutdown goes on.
      await new Promise<void>((r) => {
        io.close(() => r()).catch((err: unknown) => {
          log.warn({ err }, 'socket.io did not close cleanly');
          r();
        });
      });
      pool.close();
      await Promise.all([closeRedis(redis), closeRedis(pub), closeRedis(sub)]);
      await dbHandle.close();
    },
  };
}
