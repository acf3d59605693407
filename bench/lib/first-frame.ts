import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type * as Mediasoup from 'mediasoup';
import type { Page } from 'playwright-core';
import { dropDatabase, runMigrations } from '@seafarer/db';
import { loadConfig } from '@seafarer/config';
import type { Cleanup } from './cleanup';
import { Sink } from './sink';
import { SyntheticClass } from './synthetic-class';
import { affinityOf, percentile, pin, round, sleep, waitExit } from './util';

type Worker = Mediasoup.types.Worker;

/** CLOCK_MONOTONIC in ms: the clock of the worker's trace timestamps (uv_hrtime) and of process.hrtime. */
const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * The server's side of each join, seen from inside the live service's process: when its socket.io
 * server received `room.join` (an `onAny` listener added beside the service's own), and, through
 * mediasoup's observer API, every consumer of the instructor's camera on a WebRTC transport with the
 * worker's timestamp of the first RTP packet it sent (`rtp` trace event, direction out).
 */
class ServerTimes {
  readonly joins: number[] = [];
  /** Video consumers on WebRTC transports, by id (the viewer's page knows its consumer's id). */
  readonly consumers = new Map<string, { at: number; producerId: string; firstRtpAt: number | null }>();
  instructorCamera: string | null = null;
  /** The worker that hosts the instructor's camera (the live service's router). */
  instructorWorker: Worker | null = null;

  constructor(mediasoup: typeof Mediasoup) {
    mediasoup.observer.on('newworker', (worker) =>
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newtransport', (transport) => {
          if (!('iceParameters' in transport)) return; // plain (recorder, synthetic class) and pipes
          transport.observer.on('newproducer', (producer) => {
            // The instructor publishes first; this is only the fallback when a page names no consumer.
            if (
              this.instructorCamera === null &&
              producer.kind === 'video' &&
              (producer.appData as { source?: string }).source === 'camera'
            ) {
              this.instructorCamera = producer.id;
              this.instructorWorker = worker;
            }
          });
          transport.observer.on('newconsumer', (consumer) => {
            if (consumer.kind !== 'video') return;
            const entry = {
              at: monoMs(),
              producerId: consumer.producerId,
              firstRtpAt: null as number | null,
            };
            this.consumers.set(consumer.id, entry);
            consumer.observer.on('trace', (trace) => {
              if (entry.firstRtpAt !== null || trace.type !== 'rtp' || trace.direction !== 'out') return;
              entry.firstRtpAt = trace.timestamp;
              void consumer.enableTraceEvent([]).catch(() => undefined);
            });
            void consumer.enableTraceEvent(['rtp']).catch(() => undefined);
          });
        }),
      ),
    );
  }

  /** Socket.io's incoming events of every socket (registered after the service's own handlers). */
  watch(io: {
    on(event: 'connection', fn: (socket: { onAny(fn: (event: string) => void): void }) => void): void;
  }) {
    io.on('connection', (socket) =>
      socket.onAny((event: string) => {
        if (event === 'room.join') this.joins.push(monoMs());
      }),
    );
  }

  /**
   * The viewer's consumer of the instructor's camera (the one its page names, else the first
   * consumer of the instructor's first camera since `since`) and the last `room.join` received
   * before that consumer was created, not before the page was opened: on a saturated machine the
   * instructor's page can rejoin meanwhile, and its join must not be taken for the viewer's.
   */
  share(since: number, consumerId: string | null) {
    const c = consumerId
      ? this.consumers.get(consumerId)
      : [...this.consumers.values()].find((x) => x.at >= since && x.producerId === this.instructorCamera);
    if (!c || c.firstRtpAt === null || c.at < since) return null;
    const joins = this.joins.filter((t) => t >= since && t <= c.at);
    if (joins.length === 0) return null;
    const join = joins[joins.length - 1]!;
    return { joinToConsumerMs: c.at - join, joinToFirstRtpMs: c.firstRtpAt - join };
  }
}

/**
 * Runs in every viewer page before its scripts: notes when the page sends its first `room.join`
 * (socket.io frames are text: `42<ack>["room.join",…]`), then polls the live client's stats every
 * 50 ms until the instructor's camera has a decoded frame. Times are the page's performance.now(),
 * i.e. milliseconds since navigation start.
 */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { joinEmitAt: null, firstFrameAt: null, instructorId: null, consumerId: null, error: null });
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (b.joinEmitAt === null && typeof data === 'string' && data.indexOf('"room.join"') !== -1)
      b.joinEmitAt = performance.now();
    return send.call(this, data);
  };
  const poll = async () => {
    try {
      const live = window.__live;
      if (live && b.joinEmitAt !== null) {
        if (!b.instructorId)
          for (const p of live.peers.values()) if (p.role === 'instructor') b.instructorId = p.id;
        if (b.instructorId) {
          const stats = await live.stats();
          // Taken once the stats are in (a slow stats call on a busy machine would otherwise put the
          // frame before it was decoded): an upper bound.
          const at = performance.now();
          if (stats.some((s) => s.peerId === b.instructorId && s.source === 'camera' && s.framesDecoded > 0)) {
            b.firstFrameAt = at;
            // The consumer's id is the server's (mediasoup-client): it names the server-side consumer.
            for (const r of live.remote && live.remote.values ? live.remote.values() : [])
              if (r.peerId === b.instructorId && r.source === 'camera' && r.consumer) b.consumerId = r.consumer.id;
            return;
          }
        }
      }
    } catch (e) {
      b.error = String(e);
    }
    setTimeout(poll, 50);
  };
  setTimeout(poll, 50);
})();`;

interface BenchWindow {
  __bench: {
    joinEmitAt: number | null;
    firstFrameAt: number | null;
    consumerId: string | null;
    error: string | null;
  };
  __live?: { state: string; producers: Map<string, unknown> };
}

const pct = (values: number[], p: number) => (values.length ? percentile(values, p) : null);

export interface FirstFrameSample {
  viewer: string;
  round: number;
  join_emit_to_first_frame_ms: number;
  /** Server share: room.join received -> first RTP packet sent on the viewer's consumer (worker). */
  server_join_to_first_rtp_ms: number | null;
  /** Part of it: room.join received -> the viewer's consumer of the instructor's camera created. */
  server_join_to_consumer_ms: number | null;
  /** Client share: the total minus the server share. */
  client_ms: number | null;
  navigation_to_join_emit_ms: number;
  navigation_to_first_frame_ms: number;
}

export interface FirstFrameResult {
  first_frame_p50_ms: number | null;
  first_frame_p95_ms: number | null;
  first_frame_server_p50_ms: number | null;
  first_frame_server_p95_ms: number | null;
  first_frame_client_p50_ms: number | null;
  first_frame_client_p95_ms: number | null;
  first_frame_under_load_trainees: number | null;
  first_frame_under_load_p50_ms: number | null;
  first_frame_under_load_p95_ms: number | null;
  first_frame_under_load_server_p95_ms: number | null;
  first_frame_under_load_client_p95_ms: number | null;
  first_frame: {
    definition: string;
    server_share_definition: string;
    client_share_definition: string;
    samples: FirstFrameSample[];
    navigation_to_first_frame_p50_ms: number | null;
    under_load: {
      trainees: number;
      pinned: boolean;
      /** The live service's worker over the joins under load (it carries the synthetic class too). */
      live_worker_cpu_pct: number;
      p50_ms: number | null;
      p95_ms: number | null;
      server_p50_ms: number | null;
      server_p95_ms: number | null;
      client_p50_ms: number | null;
      client_p95_ms: number | null;
      samples: FirstFrameSample[];
    } | null;
    failures: string[];
    database: string;
  };
}

/**
 * The real platform in-process (API, live service, worker processors; test/helpers/classroom.ts)
 * against a database of its own, an instructor in Chromium publishing the 720p 3-layer camera, and
 * viewers joining one at a time.
 */
export async function measureFirstFrame(
  cleanup: Cleanup,
  opts: {
    rounds: number;
    log: (msg: string) => void;
    /** Stop starting new joins (signal or time limit); what was measured is returned. */
    aborted: () => boolean;
    /** The loaded mediasoup module (the live service uses the same one): its observer API. */
    mediasoup: typeof Mediasoup;
    /** Joins under load: this many synthetic trainees on the live worker (skipped when absent or 0). */
    load?: {
      trainees: number;
      rounds: number;
      srtpCryptoSuite: Mediasoup.types.SrtpCryptoSuite;
    };
  },
): Promise<FirstFrameResult> {
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  // eslint-disable-next-line no-restricted-properties -- a throwaway platform, configured as the tests are
  const server = new URL(loadConfig({ ...process.env, NODE_ENV: 'test' }).DATABASE_URL);
  server.pathname = `/seafarer_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = server.toString();
  const database = server.pathname.slice(1);
  cleanup.add(`drop database ${database}`, () => dropDatabase(url));
  await runMigrations(url);
  // The helpers read their settings from the environment, as under jest's global setup.
  // eslint-disable-next-line no-restricted-properties -- handing the throwaway database to the platform's config
  process.env.DATABASE_URL = url;
  // eslint-disable-next-line no-restricted-properties -- as the test setup runs the platform
  process.env.NODE_ENV = 'test';
  // Loaded only now: the helpers start the live service, whose mediasoup must already be configured.
  const { startClassroom, signedInPage, waitState } = await import('../../test/helpers/classroom');
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const times = new ServerTimes(opts.mediasoup);
  const room = await startClassroom();
  times.watch(room.live.io);
  // Playwright answers Ctrl-C by killing Chromium and exiting at once, which would leave this
  // platform running and its database behind: the benchmark's own handler closes everything in order.
  for (const sig of signals)
    for (const listener of process.listeners(sig))
      if (!before.get(sig)!.has(listener)) process.off(sig, listener);
  opts.log(`platform up (database ${database}) after ${since()}`);
  cleanup.add('close the platform and Chromium', async () => {
    const closing = performance.now();
    await room.close();
    rmSync(room.t.config.STORAGE_DIR, { recursive: true, force: true });
    opts.log(`platform closed in ${((performance.now() - closing) / 1000).toFixed(1)} s`);
  });
  const roomUrl = (lite: boolean) =>
    `${room.t.baseUrl}/app/room.html?class=${room.classId}&session=${room.sessionId}${lite ? '&lite=1' : ''}`;

  // The instructor publishes the full camera (720p, three layers) as in a real class.
  const instructor = await signedInPage(room.t, room.browser, room.w.usernames.instructor);
  await instructor.goto(roomUrl(false));
  await waitState(instructor, 'joined', 30_000);
  await instructor.waitForFunction(
    () => (globalThis as unknown as BenchWindow).__live?.producers.has('camera') === true,
    undefined,
    { timeout: 30_000 },
  );
  // Let the encoder ramp up its layers before the first viewer arrives.
  await new Promise((r) => setTimeout(r, 3000));

  const viewers = [
    ...room.trainees.map((t) => ({ label: 'trainee', username: t.username })),
    { label: 'class_manager', username: room.w.usernames.manager },
    { label: 'observer', username: room.w.usernames.officer },
  ];
  const failures: string[] = [];
  /** Rounds of joins, one viewer at a time; everyone leaves after each round. */
  let instructorGone = false;
  const joinRounds = async (rounds: number, phase: string): Promise<FirstFrameSample[]> => {
    const samples: FirstFrameSample[] = [];
    rounds: for (let r = 1; r <= rounds; r++) {
      const open: Page[] = [];
      const leave = async (page: Page) => {
        open.splice(open.indexOf(page), 1);
        await page
          .context()
          .close()
          .catch(() => undefined);
      };
      for (const v of viewers) {
        if (opts.aborted()) {
          failures.push(`${phase} round ${r} from ${v.label} on: not measured (stopped)`);
          for (const page of open) await page.context().close();
          break rounds;
        }
        // Viewers publish in data-saver mode (lite): they share the benchmark's two cores.
        const page = await signedInPage(room.t, room.browser, v.username);
        open.push(page);
        await page.context().addInitScript({ content: INSTRUMENT });
        const openedAt = monoMs();
        try {
          await page.goto(roomUrl(true));
          await page.waitForFunction(
            () => {
              const b = (globalThis as unknown as BenchWindow).__bench;
              return (
                b.firstFrameAt !== null || (globalThis as unknown as BenchWindow).__live?.state === 'refused'
              );
            },
            undefined,
            { timeout: 30_000, polling: 100 },
          );
          const b = await page.evaluate(() => (globalThis as unknown as BenchWindow).__bench);
          if (b.firstFrameAt === null || b.joinEmitAt === null) {
            failures.push(`${phase} ${v.label} round ${r}: no first frame (${b.error ?? 'refused'})`);
            opts.log(`  ${phase} ${v.label}: ${failures[failures.length - 1]}`);
            await leave(page);
            continue;
          }
          const total = b.firstFrameAt - b.joinEmitAt;
          let server = times.share(openedAt, b.consumerId);
          if (!server) failures.push(`${phase} ${v.label} round ${r}: no server timing`);
          else if (server.joinToFirstRtpMs > total + 100) {
            // The server cannot send the first packet after the page decoded it: a join mismatched.
            failures.push(
              `${phase} ${v.label} round ${r}: server share ${Math.round(server.joinToFirstRtpMs)} ms > total; not counted`,
            );
            server = null;
          }
          opts.log(
            `  ${phase} ${v.label}: ${Math.round(total)} ms` +
              (server ? ` (server ${Math.round(server.joinToFirstRtpMs)} ms)` : ''),
          );
          samples.push({
            viewer: v.label,
            round: r,
            join_emit_to_first_frame_ms: round(total, 0),
            server_join_to_first_rtp_ms: server ? round(server.joinToFirstRtpMs, 0) : null,
            server_join_to_consumer_ms: server ? round(server.joinToConsumerMs, 0) : null,
            client_ms: server ? round(total - server.joinToFirstRtpMs, 0) : null,
            navigation_to_join_emit_ms: round(b.joinEmitAt, 0),
            navigation_to_first_frame_ms: round(b.firstFrameAt, 0),
          });
        } catch (e) {
          failures.push(`${phase} ${v.label} round ${r}: ${(e as Error).message.split('\n')[0]}`);
          opts.log(`  ${phase} ${v.label}: ${failures[failures.length - 1]}`);
          // A page that has not seen its frame leaves now: a late join of its own would be taken
          // for the next viewer's on the server side.
          await leave(page);
        }
      }
      opts.log(
        `${phase} round ${r}: ${samples.filter((s) => s.round === r).length} first frames after ${since()}`,
      );
      // Everyone leaves; the next round joins a room with the instructor only again.
      for (const page of open) await page.context().close();
      try {
        await waitState(instructor, 'joined', 30_000);
      } catch {
        // On a saturated machine the instructor's page can drop out: keep what was measured.
        failures.push(
          `${phase}: the instructor's page was not in the room after round ${r}; no further rounds`,
        );
        opts.log(`  ${failures[failures.length - 1]}`);
        instructorGone = true;
        break;
      }
    }
    return samples;
  };
  const samples = await joinRounds(opts.rounds, 'idle');

  // Joins under load: a synthetic class of `load.trainees` (the tested N) on the live service's own
  // mediasoup worker, pinned as in the SFU phase, while the viewers join the real class again.
  let underLoad: FirstFrameResult['first_frame']['under_load'] = null;
  const worker = times.instructorWorker;
  if (opts.load && opts.load.trainees > 0 && !opts.aborted() && !instructorGone && worker) {
    const n = opts.load.trainees;
    const gen = await opts.mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 20000, rtcMaxPort: 29999 });
    const sink = await Sink.start(4);
    const affinity = affinityOf(worker.pid);
    const pinned = Boolean(affinity) && pin(worker.pid, '0') && pin(gen.pid, '1') && pin(sink.pid, '1');
    let cls: SyntheticClass | null = null;
    try {
      cls = await SyntheticClass.create({
        sfuWorker: worker,
        genWorker: gen,
        sink,
        srtpCryptoSuite: opts.load.srtpCryptoSuite,
        groups: 10,
        recorder: true,
      });
      opts.log(`under load: ${n} synthetic trainees on the live worker (pid ${worker.pid}) …`);
      await cls.setTrainees(n, opts.aborted);
      await sleep(5000);
      const u0 = await worker.getResourceUsage();
      const t0w = monoMs();
      const loaded = await joinRounds(opts.load.rounds, 'under load');
      const u1 = await worker.getResourceUsage();
      const wall = monoMs() - t0w;
      const totals = loaded.map((x) => x.join_emit_to_first_frame_ms);
      const servers = loaded.flatMap((x) =>
        x.server_join_to_first_rtp_ms === null ? [] : [x.server_join_to_first_rtp_ms],
      );
      const clients = loaded.flatMap((x) => (x.client_ms === null ? [] : [x.client_ms]));
      underLoad = {
        trainees: cls.traineeCount,
        pinned,
        live_worker_cpu_pct: round((100 * (u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime)) / wall, 1),
        p50_ms: pct(totals, 50),
        p95_ms: pct(totals, 95),
        server_p50_ms: pct(servers, 50),
        server_p95_ms: pct(servers, 95),
        client_p50_ms: pct(clients, 50),
        client_p95_ms: pct(clients, 95),
        samples: loaded,
      };
    } catch (e) {
      failures.push(`under load: ${(e as Error).message.split('\n')[0]}`);
    } finally {
      await cls?.close();
      gen.close();
      sink.close();
      await Promise.all([waitExit(gen.pid), waitExit(sink.pid)]);
      if (pinned && affinity && !worker.closed) pin(worker.pid, affinity);
    }
  }

  const totals = samples.map((x) => x.join_emit_to_first_frame_ms);
  const servers = samples.flatMap((x) =>
    x.server_join_to_first_rtp_ms === null ? [] : [x.server_join_to_first_rtp_ms],
  );
  const clients = samples.flatMap((x) => (x.client_ms === null ? [] : [x.client_ms]));
  return {
    first_frame_p50_ms: pct(totals, 50),
    first_frame_p95_ms: pct(totals, 95),
    first_frame_server_p50_ms: pct(servers, 50),
    first_frame_server_p95_ms: pct(servers, 95),
    first_frame_client_p50_ms: pct(clients, 50),
    first_frame_client_p95_ms: pct(clients, 95),
    first_frame_under_load_trainees: underLoad?.trainees ?? null,
    first_frame_under_load_p50_ms: underLoad?.p50_ms ?? null,
    first_frame_under_load_p95_ms: underLoad?.p95_ms ?? null,
    first_frame_under_load_server_p95_ms: underLoad?.server_p95_ms ?? null,
    first_frame_under_load_client_p95_ms: underLoad?.client_p95_ms ?? null,
    first_frame: {
      definition:
        "viewer page's first socket.io 'room.join' emit -> first 50 ms stats poll showing framesDecoded > 0 for the instructor's camera (both performance.now() in the viewer page)",
      server_share_definition:
        "live service's socket.io server receives 'room.join' -> the mediasoup worker sends the first RTP packet on that viewer's consumer of the instructor's camera (consumer 'rtp' trace event, worker timestamp; both CLOCK_MONOTONIC)",
      client_share_definition:
        'the total minus the server share (the page sending the join; receiving, buffering and decoding the first frame; the 50 ms poll)',
      samples,
      navigation_to_first_frame_p50_ms: pct(
        samples.map((x) => x.navigation_to_first_frame_ms),
        50,
      ),
      under_load: underLoad,
      failures,
      database,
    },
  };
}
