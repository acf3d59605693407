import http from 'node:http';
import os from 'node:os';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '@seafarer/config';
import path from 'node:path';
import {
  createJobOutbox,
  createJoinGrants,
  createLiveLogService,
  createRecordingService,
  LOG_REDACT_PATHS,
  REDACTED,
  signingKeys,
  systemClock,
  type Clock,
} from '@seafarer/core';
import { checkReadiness, closeRedis, createRedisWatch, pingRedis } from '@seafarer/queue';
import { sql } from 'drizzle-orm';
import { SessionRecorder } from './recording/session-recorder';
import type { Room } from './room/room';
import { createDb } from '@seafarer/db';
import { loadMediasoup } from './media/mediasoup';
import { WorkerPool } from './media/worker-pool';
import { NodeDirectory } from './cluster/node-directory';
import { attachSignaling, type SignalingDeps } from './signaling';

export interface LiveServer {
  http: http.Server;
  io: Server;
  pool: WorkerPool;
  signaling: ReturnType<typeof attachSignaling>;
  /** This node's entry in the room → node map. */
  directory: NodeDirectory;
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

  const server = http.createServer((req, res) => {
    if (req.url === '/healthz' || req.url === '/readyz') {
      void (async () => {
        const workers = pool.all.map((w) => ({ pid: w.pid, closed: w.closed }));
        let ok = true;
        let checks = {};
        if (req.url === '/readyz') {
          // Red while a mediasoup worker is down, or PostgreSQL or Redis does not answer; green after.
          const r = await checkReadiness({
            postgres: () => dbHandle.db.execute(sql`select 1`),
            redis: () => pingRedis(redis),
            adapter: async () => {
              await pingRedis(pub);
              if (sub.status !== 'ready') throw new Error(`Redis connection is ${sub.status}`);
            },
            mediasoup: async () => {
              if (workers.some((w) => w.closed)) throw new Error('a mediasoup worker is down');
            },
          });
          ok = r.ok;
          checks = r.body.checks;
        }
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', service: 'live', workers, checks }));
      })();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ code: 'ROUTE_NOT_FOUND', message: { zh: '接口不存在', en: 'No such endpoint' } }),
    );
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
      await recordingStore.saveManifest(manifest, {
        classId: room.classId,
        institutionId: room.institutionId,
      });
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
  });

  let closed = false;
  return {
    http: server,
    io,
    pool,
    signaling,
    directory,
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
      await signaling.close();
      await directory.close();
      await new Promise<void>((r) => io.close(() => r()));
      pool.close();
      await Promise.all([closeRedis(redis), closeRedis(pub), closeRedis(sub)]);
      await dbHandle.close();
    },
  };
}
