/**
 * JS-16 monitoring-wall cost: `npm run bench:wall` -> bench/results/wall.json. See bench/README.md,
 * "Monitoring wall".
 *
 * A synthetic class on a real SFU worker (the live service's Room and codecs; bench/lib/synthetic-class)
 * whose instructor publishes the live client's three-layer 720p simulcast camera. Wall tiles are hidden
 * consumers of that camera only, at spatial layer 0 (what the wall's 320 px tiles report); full-size
 * viewers the same consumer at layer 2 (a 1280 px main picture). For N = 1, 4, 9 of each, over a
 * measured window: bytes per second the SFU sends per consumer, and the SFU worker's CPU above the
 * class alone, per consumer. This process's CPU is reported too (it owns the worker, as the live
 * process does, but it also runs the synthetic instructor's packet pump, so its per-consumer change is
 * within its noise: a tile costs the live process nothing per packet, only its signalling).
 *
 * Options: --tiles 1,4,9  --window 10 (seconds measured per step)  --warmup 4  --out <file>
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Mediasoup from 'mediasoup';
import { loadMediasoup } from '../services/live/src/media/mediasoup';
import { Cleanup } from './lib/cleanup';
import { Sink } from './lib/sink';
import { INSTRUCTOR_CAMERA, SyntheticClass } from './lib/synthetic-class';
import { endLeftoverChildren, round, sleep, waitExit } from './lib/util';

type Worker = Mediasoup.types.Worker;
type Router = Mediasoup.types.Router;
type Consumer = Mediasoup.types.Consumer;
type PlainTransport = Mediasoup.types.PlainTransport;
type SrtpCryptoSuite = Mediasoup.types.SrtpCryptoSuite;

const ROOT = path.resolve(__dirname, '..');
const log = (msg: string) => process.stderr.write(`[bench:wall] ${msg}\n`);
const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

interface Args {
  tiles: number[];
  window: number;
  warmup: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    tiles: [1, 4, 9],
    window: 10,
    warmup: 4,
    out: path.join(__dirname, 'results', 'wall.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tiles') args.tiles = value().split(',').map(Number);
    else if (a === '--window') args.window = Number(value());
    else if (a === '--warmup') args.warmup = Number(value());
    else if (a === '--out') args.out = path.resolve(value());
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

/** A browser's receive capabilities (as synthetic-class.ts: NACK/PLI/FIR, no congestion feedback). */
function viewerCapabilities(router: Router): Mediasoup.types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => ['audio/opus', 'video/vp8'].includes(c.mimeType.toLowerCase()))
      .map((c) => ({
        ...c,
        rtcpFeedback:
          c.kind === 'video'
            ? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]
            : [],
      })),
    headerExtensions: (router.rtpCapabilities.headerExtensions ?? []).filter((h) =>
      [MID, ABS_SEND_TIME].includes(h.uri),
    ),
  };
}

async function chooseSrtpSuite(sfu: Worker, gen: Worker): Promise<SrtpCryptoSuite> {
  for (const suite of ['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
    const a = await sfu.createRouter({ mediaCodecs: [] });
    const b = await gen.createRouter({ mediaCodecs: [] });
    try {
      const opts = { listenIp: '127.0.0.1', enableSrtp: true, srtpCryptoSuite: suite };
      const ta = await a.createPlainTransport(opts);
      const tb = await b.createPlainTransport(opts);
      await ta.connect({ ip: '127.0.0.1', port: tb.tuple.localPort, srtpParameters: tb.srtpParameters! });
      await tb.connect({ ip: '127.0.0.1', port: ta.tuple.localPort, srtpParameters: ta.srtpParameters! });
      return suite;
    } catch {
      // the next one
    } finally {
      a.close();
      b.close();
    }
  }
  throw new Error('no SRTP crypto suite works with this mediasoup-worker');
}

interface Viewer {
  transport: PlainTransport;
  consumer: Consumer;
}

interface Sample {
  at: number;
  sfuMs: number;
  nodeMs: number;
  bytes: Map<string, { at: number; bytes: number }>;
}

async function sample(sfu: Worker, viewers: Viewer[]): Promise<Sample> {
  const bytes = new Map<string, { at: number; bytes: number }>();
  for (const v of viewers) {
    const out = (await v.consumer.getStats()).find((s) => s.type === 'outbound-rtp');
    if (out) bytes.set(v.consumer.id, { at: out.timestamp, bytes: out.byteCount });
  }
  const u = await sfu.getResourceUsage();
  const node = process.cpuUsage();
  return {
    at: performance.now(),
    sfuMs: u.ru_utime + u.ru_stime,
    nodeMs: (node.user + node.system) / 1000,
    bytes,
  };
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  const errors: string[] = [];
  // eslint-disable-next-line no-restricted-properties -- the benchmark is a tool, not the platform
  const workerBin = process.env.MEDIASOUP_WORKER_BIN?.trim()
    ? // eslint-disable-next-line no-restricted-properties -- the benchmark is a tool, not the platform
      process.env.MEDIASOUP_WORKER_BIN.trim()
    : execFileSync('bash', [path.join(ROOT, 'infra/mediasoup/build-worker.sh'), '--print-path'], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop()!;
  const mediasoup = await loadMediasoup(workerBin);
  const result: Record<string, unknown> = {
    benchmark: 'wall',
    date: new Date().toISOString(),
    cores: os.cpus().length,
    machine: {
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      load_average_at_start: os.loadavg().map((l) => round(l, 2)),
    },
    mediasoup_version: mediasoup.version,
    instructor_camera: INSTRUCTOR_CAMERA,
    rule: { window_s: args.window, warmup_s: args.warmup, tiles: args.tiles },
    errors,
  };
  const onSignal = () => void cleanup.run().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const sfu = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 44999 });
    cleanup.add('close the SFU worker', async () => {
      sfu.close();
      await waitExit(sfu.pid);
    });
    const gen = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 45000, rtcMaxPort: 49999 });
    cleanup.add('close the generator worker', async () => {
      gen.close();
      await waitExit(gen.pid);
    });
    const sink = await Sink.start(4);
    cleanup.add('stop the sink', async () => {
      sink.close();
      await waitExit(sink.pid);
    });
    const srtpCryptoSuite = await chooseSrtpSuite(sfu, gen);
    // The instructor alone (no trainees, no recorder): what a wall tile watches.
    const cls = await SyntheticClass.create({
      sfuWorker: sfu,
      genWorker: gen,
      sink,
      srtpCryptoSuite,
      groups: 1,
      recorder: false,
    });
    cleanup.add('close the synthetic class', () => cls.close());
    const instructor = [...cls.room.peers.values()].find((p) => p.role === 'instructor')!;
    const camera = instructor.producerOf('camera')!;
    const router = cls.room.router;
    const caps = viewerCapabilities(router);
    let port = 0;

    /** A hidden viewer of the instructor's camera only, at `layer` (signaling.ts consume + resume). */
    const addViewer = async (layer: number): Promise<Viewer> => {
      const transport = await router.createPlainTransport({
        listenIp: '127.0.0.1',
        rtcpMux: true,
        comedia: false,
        enableSrtp: true,
        srtpCryptoSuite,
      });
      await transport.connect({
        ip: '127.0.0.1',
        port: sink.ports[port++ % sink.ports.length]!,
        srtpParameters: transport.srtpParameters!,
      });
      const consumer = await transport.consume({
        producerId: camera.id,
        rtpCapabilities: caps,
        paused: true,
      });
      await consumer.setPriority(128);
      await consumer.setPreferredLayers({ spatialLayer: layer });
      await consumer.resume();
      await consumer.requestKeyFrame().catch(() => undefined);
      return { transport, consumer };
    };

    const measure = async (n: number, layer: number | null) => {
      const viewers: Viewer[] = [];
      for (let i = 0; i < n; i++) viewers.push(await addViewer(layer ?? 0));
      await sleep(args.warmup * 1000);
      const a = await sample(sfu, viewers);
      await sleep(args.window * 1000);
      const b = await sample(sfu, viewers);
      const seconds = (b.at - a.at) / 1000;
      const perViewer: number[] = [];
      for (const [id, x1] of b.bytes) {
        const x0 = a.bytes.get(id);
        if (x0 && x1.at > x0.at) perViewer.push(((x1.bytes - x0.bytes) * 1000) / (x1.at - x0.at));
      }
      const row = {
        viewers: n,
        preferred_spatial_layer: layer,
        current_spatial_layers: viewers.map((v) => v.consumer.currentLayers?.spatialLayer ?? null),
        bytes_per_s_per_viewer: round(
          perViewer.length ? perViewer.reduce((x, y) => x + y, 0) / perViewer.length : 0,
          0,
        ),
        sfu_worker_cpu_pct: round((100 * (b.sfuMs - a.sfuMs)) / (seconds * 1000), 2),
        bench_process_cpu_pct: round((100 * (b.nodeMs - a.nodeMs)) / (seconds * 1000), 2),
        window_s: round(seconds, 1),
      };
      for (const v of viewers) v.transport.close();
      return row;
    };

    log('the class alone (no viewers) …');
    const baseline = await measure(0, null);
    const perViewer = (rows: Array<typeof baseline>) =>
      rows.map((r) => ({
        ...r,
        kbps_per_viewer: round((r.bytes_per_s_per_viewer * 8) / 1000, 1),
        sfu_worker_cpu_pct_per_viewer: round(
          (r.sfu_worker_cpu_pct - baseline.sfu_worker_cpu_pct) / r.viewers,
          3,
        ),
        bench_process_cpu_pct_change_per_viewer: round(
          (r.bench_process_cpu_pct - baseline.bench_process_cpu_pct) / r.viewers,
          3,
        ),
      }));
    const tiles = [];
    for (const n of args.tiles) {
      log(`${n} wall tiles (layer 0) …`);
      tiles.push(await measure(n, 0));
    }
    const full = [];
    for (const n of args.tiles) {
      log(`${n} full-size viewers (layer 2) …`);
      full.push(await measure(n, 2));
    }
    const t = perViewer(tiles);
    const f = perViewer(full);
    const last = <T>(xs: T[]) => xs[xs.length - 1]!;
    Object.assign(result, {
      baseline_class_alone: baseline,
      tiles: t,
      full_size: f,
      // At the largest N: what one full-size viewer costs against one tile.
      full_to_tile_bytes_ratio: round(
        last(f).bytes_per_s_per_viewer / Math.max(1, last(t).bytes_per_s_per_viewer),
        2,
      ),
      full_to_tile_sfu_cpu_ratio:
        last(t).sfu_worker_cpu_pct_per_viewer > 0
          ? round(last(f).sfu_worker_cpu_pct_per_viewer / last(t).sfu_worker_cpu_pct_per_viewer, 2)
          : null,
      srtp_crypto_suite: srtpCryptoSuite,
    });
  } catch (e) {
    errors.push((e as Error).stack ?? String(e));
  } finally {
    await cleanup.run();
  }
  const leftover = await endLeftoverChildren();
  if (leftover.length) errors.push(`ended leftover child processes: ${leftover.join(', ')}`);
  errors.push(...cleanup.errors);
  result.duration_s = Math.round((Date.now() - started) / 1000);
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), args.out)} in ${result.duration_s as number} s`);
  if (errors.length) log(`errors:\n${errors.join('\n')}`);
  process.exit(errors.length ? 1 : 0);
}

void main();
