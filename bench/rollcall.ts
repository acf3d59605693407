/**
 * `npm run bench:rollcall`: a roll-call (JS-13.2) pushed to a full room and answered, against the real
 * live service (in this process), PostgreSQL and Redis. Writes bench/results/rollcall.json.
 *
 * - A confirmed class is made through the API (test helpers), its roster topped up to `--sockets`
 *   trainees (500) straight in the database (people, accounts, roster entries: the API's import would
 *   take minutes of password hashing and proves nothing here).
 * - The trainees are socket.io clients in a process of their own (bench/lib/rollcall-clients.ts),
 *   admitted with join grants signed here with the live node's key, joined to the room; each answers
 *   the challenge as it arrives.
 * - Media: one live VP8 camera (ffmpeg test picture over plain RTP into the room's router). `--grabs`
 *   (150) of the trainees publish it as their camera (one source shared, so the machine encodes one
 *   stream, not 150): the push grabs a still of each through grabStill() (4 ffmpegs at a time) and
 *   stores it as evidence, as in a class.
 * - fanout_p50_ms / fanout_p99_ms: push (the node's clock just before the first challenge is
 *   emitted) → receipt by each client. raw_ws_broadcast_p99_ms: a plain `ws` server in this process
 *   sends one message to as many plain `ws` clients in the same client process, right after the push
 *   (under the same load); raw_ws_broadcast_idle_p99_ms: the same on the idle room before it.
 * - event_loop_delay_p99_ms: this (the server's) process during the push and the answers.
 * - responses_persisted: answers stored (answeredAt set); lost_responses: answers acknowledged but not
 *   stored (must be 0).
 * - frames_grabbed: responses with a stored still; frame_grab_p95_ms: push → still stored, queue
 *   included (what a 150-trainee room waits for its last stills); frame_grab_all_ms: the last one.
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { loadConfig } from '@seafarer/config';
import { MAX_CONCURRENT_GRABS } from '../services/live/src/media/frame-grab';
import { createJoinGrants, signingKeys, systemClock } from '@seafarer/core';
import {
  accounts,
  dropDatabase,
  people,
  rollCallResponses,
  rollCalls,
  rosterEntries,
  runMigrations,
} from '@seafarer/db';
import { buildLiveServer } from '../services/live/src/app';
import { Peer } from '../services/live/src/room/peer';
import { startTestApp } from '../test/helpers/app';
import { movableClock } from '../test/helpers/clock';
import { confirmedClass } from '../test/helpers/cluster';
import { Cleanup } from './lib/cleanup';
import { percentile, round, sleep } from './lib/util';

const ROOT = path.resolve(__dirname, '..');
// The test helpers make the class and the API: they run with the test settings (throwaway secrets).
// eslint-disable-next-line no-restricted-properties -- the benchmark is a tool, not the platform
Object.assign(process.env, { NODE_ENV: 'test' });
// eslint-disable-next-line no-restricted-properties -- as above
const ENV = { ...process.env };

function parseArgs(argv: string[]) {
  const a = { sockets: 500, grabs: 150, out: path.join(ROOT, 'bench/results/rollcall.json') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sockets') a.sockets = Number(argv[++i]);
    else if (argv[i] === '--grabs') a.grabs = Number(argv[++i]);
    else if (argv[i] === '--out') a.out = argv[++i]!;
  }
  return a;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  const stop = () => void cleanup.run().then(() => process.exit(1));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const url = new URL(loadConfig({ ...ENV, NODE_ENV: 'test' }).DATABASE_URL);
    url.pathname = `${url.pathname}_bench_rollcall_${randomBytes(3).toString('hex')}`;
    const dbUrl = url.toString();
    await runMigrations(dbUrl);
    cleanup.add('drop the database', () => dropDatabase(dbUrl));
    const shared = {
      DATABASE_URL: dbUrl,
      STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-bench-rollcall-')),
      QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    };
    const clock = movableClock();
    const t = await startTestApp(shared, { clock });
    cleanup.add('close the API', () => t.close());
    const cls = await confirmedClass(t, clock, { code: 'RB', name: '点名压测班', rosterSeed: 900 });
    const db = t.app.core.db;
    const institutionId = cls.w.institutionId;

    // The roster, topped up to `sockets` trainees with accounts.
    const existing = await db
      .select({ accountId: rosterEntries.accountId })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, cls.classId), isNotNull(rosterEntries.accountId)));
    const trainees = existing.map((e) => e.accountId!);
    const tag = randomBytes(3).toString('hex');
    for (let i = trainees.length; i < args.sockets; i += 100) {
      const n = Math.min(100, args.sockets - i);
      const ps = await db
        .insert(people)
        .values(Array.from({ length: n }, (_, k) => ({ institutionId, displayName: `压测学员${i + k}` })))
        .returning({ id: people.id, name: people.displayName });
      const as = await db
        .insert(accounts)
        .values(
          ps.map((p, k) => ({
            personId: p.id,
            username: `bench-${tag}-${i + k}`,
            passwordHash: 'bench-no-login',
            roles: ['trainee'],
            institutionId,
          })),
        )
        .returning({ id: accounts.id, personId: accounts.personId });
      await db.insert(rosterEntries).values(
        as.map((a, k) => ({
          classId: cls.classId,
          institutionId,
          personId: a.personId,
          accountId: a.id,
          name: ps[k]!.name,
          idType: 'resident_id',
          idNumberEnc: 'bench',
          idNumberHash: `bench-${tag}-${i + k}`,
          idNumberMasked: '****',
          phoneEnc: 'bench',
          phoneMasked: '****',
          education: 'bench',
        })),
      );
      trainees.push(...as.map((a) => a.id));
    }

    // The live node, in this process.
    const config = loadConfig({ ...ENV, ...shared, LOG_LEVEL: 'silent', LIVE_WORKERS: '1' });
    const live = await buildLiveServer({ config, log: pino({ level: ENV.LIVE_LOG ?? 'silent' }) });
    const port = await live.listen(0, '127.0.0.1');
    cleanup.add('close the live node', () => live.close());
    const grants = createJoinGrants(signingKeys(config.JWT_SECRET).joinGrant, systemClock);
    const end = Date.now() + 3 * 3600_000;
    const grantFor = (sub: string) =>
      grants.sign({
        sub,
        name: sub.slice(0, 8),
        cls: cls.classId,
        ses: cls.sessionId,
        role: 'trainee',
        hidden: false,
        end,
        cap: args.sockets,
        inst: institutionId,
      }).grant;

    // The reference broadcast server.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanup.add('close the ws server', () => new Promise<void>((r) => wss.close(() => r())));
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const wsPort = (wss.address() as { port: number }).port;

    // The trainees' process.
    const child = fork(path.join(__dirname, 'lib/rollcall-clients.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    cleanup.add('stop the client process', () => {
      child.send({ type: 'close' });
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
    const fromChild = <T>(type: string) =>
      new Promise<T>((resolve) => {
        const on = (m: { type: string }) => {
          if (m.type !== type) return;
          child.off('message', on);
          resolve(m as T);
        };
        child.on('message', on);
      });
    const readyMsg = fromChild<{ sockets: number; failures: string[] }>('ready');
    child.send({
      type: 'start',
      liveUrl: `http://127.0.0.1:${port}`,
      grants: trainees.map(grantFor),
      wsUrl: `ws://127.0.0.1:${wsPort}`,
    });
    const ready = await readyMsg;
    console.log(`clients admitted and joined: ${ready.sockets}`, ready.failures);
    const room = live.signaling.rooms.get(cls.sessionId);
    if (!room) throw new Error('the room did not open');

    // Media: a live VP8 camera on the room's router, published as the camera of `grabs` trainees.
    const router = room.router;
    const transport = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: false,
      comedia: true,
    });
    const camera = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
        encodings: [{ ssrc: 4242 }],
      },
      appData: { source: 'camera' },
    });
    const feed = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi'],
        ...['-i', 'testsrc=size=640x360:rate=25', '-c:v', 'libvpx', '-deadline', 'realtime'],
        ...[
          '-cpu-used',
          '8',
          '-b:v',
          '400k',
          '-g',
          '25',
          '-f',
          'rtp',
          '-ssrc',
          '4242',
          '-payload_type',
          '101',
        ],
        `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`,
      ],
      { stdio: 'ignore' },
    );
    cleanup.add('stop the camera feed', () => feed.kill('SIGKILL'));
    const withCamera = trainees.slice(0, args.grabs);
    for (const id of withCamera) {
      const peer = room.peers.get(id);
      if (!peer) continue;
      peer.router = router;
      peer.producers.set(camera.id, camera);
    }
    for (let i = 0; ((await camera.getStats())[0]?.byteCount ?? 0) === 0; i++) {
      if (i > 100) throw new Error('the camera feed never arrived');
      await sleep(100);
    }
    await sleep(1500);

    // The reference: one broadcast of a message as large as the challenge to every plain ws client.
    const wsSent: Record<string, number> = {};
    const broadcast = (tag: string) => {
      wsSent[tag] = Date.now();
      const payload = JSON.stringify({ tag, rollCallId: 'x'.repeat(36), closesAt: new Date().toISOString() });
      for (const c of wss.clients) c.send(payload);
    };
    broadcast('idle');
    await sleep(2000);

    // The roll-call: started by the instructor, answered by every client.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const starter = new Peer(cls.w.instructorId, 'instructor', 'instructor', false, 'bench');
    const opened = await live.signaling.rollCalls.start(room, starter);
    if (!opened) throw new Error('roll-call not started');
    const pushedAt = live.signaling.rollCalls.pushedAt(opened.id)!;
    // Once more at the push, under the same load (the stills starting, the answers coming in).
    broadcast('push');
    // Answers, then the stills (each grab bounded by its timeout; at most 4 at a time).
    const deadline = Date.now() + 60_000 + (args.grabs / 4) * 8_000;
    let persisted = 0;
    let stills = 0;
    for (;;) {
      await sleep(1000);
      const rows = await db
        .select({ answeredAt: rollCallResponses.answeredAt, stillAt: rollCallResponses.stillAt })
        .from(rollCallResponses)
        .where(eq(rollCallResponses.rollCallId, opened.id));
      persisted = rows.filter((r) => r.answeredAt).length;
      const noted = await db
        .select({ n: rollCallResponses.accountId })
        .from(rollCallResponses)
        .where(
          and(
            eq(rollCallResponses.rollCallId, opened.id),
            inArray(rollCallResponses.accountId, withCamera),
            isNotNull(rollCallResponses.stillNote),
          ),
        );
      stills = rows.filter((r) => r.stillAt).length;
      if ((persisted >= ready.sockets && stills + noted.length >= withCamera.length) || Date.now() > deadline)
        break;
    }
    loop.disable();
    const report = await (async () => {
      const msg = fromChild<{
        challenges: number[];
        answers: { acked: number; refused: number; codes: Record<string, number> };
        wsReceipts: Record<string, number[]>;
      }>('report');
      child.send({ type: 'report' });
      return msg;
    })();
    const stillRows = await db
      .select({ stillAt: rollCallResponses.stillAt })
      .from(rollCallResponses)
      .where(and(eq(rollCallResponses.rollCallId, opened.id), isNotNull(rollCallResponses.stillAt)));
    const grabMs = stillRows.map((r) => r.stillAt!.getTime() - pushedAt);
    await live.signaling.rollCalls.close(opened.id);
    const [closed] = await db.select().from(rollCalls).where(eq(rollCalls.id, opened.id));

    const fanout = report.challenges.map((at) => at - pushedAt);
    const ws = (report.wsReceipts.push ?? []).map((at) => at - wsSent.push!);
    const wsIdle = (report.wsReceipts.idle ?? []).map((at) => at - wsSent.idle!);
    const result = {
      sockets: ready.sockets,
      challenges_received: report.challenges.length,
      fanout_p50_ms: round(percentile(fanout, 50)),
      fanout_p99_ms: round(percentile(fanout, 99)),
      raw_ws_broadcast_p50_ms: round(percentile(ws, 50)),
      raw_ws_broadcast_p99_ms: round(percentile(ws, 99)),
      raw_ws_broadcast_idle_p99_ms: round(percentile(wsIdle, 99)),
      fanout_to_raw_ws_p99_ratio: round(percentile(fanout, 99) / Math.max(1, percentile(ws, 99))),
      fanout_to_idle_raw_ws_p99_ratio: round(percentile(fanout, 99) / Math.max(1, percentile(wsIdle, 99))),
      load_average_1m: round(os.loadavg()[0]!),
      event_loop_delay_p99_ms: round(loop.percentile(99) / 1e6),
      answers_acked: report.answers.acked,
      answers_refused: report.answers.refused,
      refusal_codes: report.answers.codes,
      responses_persisted: persisted,
      lost_responses: Math.max(0, report.answers.acked - persisted),
      grabs_asked: withCamera.length,
      frames_grabbed: stillRows.length,
      frame_grab_p50_ms: round(percentile(grabMs, 50)),
      frame_grab_p95_ms: round(percentile(grabMs, 95)),
      frame_grab_all_ms: round(Math.max(0, ...grabMs)),
      frame_grab_concurrency: MAX_CONCURRENT_GRABS,
      closed: closed?.status === 'closed',
      outcomes_sha256: closed?.outcomesSha256 ?? null,
      machine: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      date: new Date().toISOString(),
    };
    mkdirSync(path.dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await cleanup.run();
    if (cleanup.errors.length > 0) console.error(cleanup.errors.join('\n'));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
