import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { dropDatabase, runMigrations } from '@seafarer/db';
import { loadConfig } from '@seafarer/config';
import type { Cleanup } from './cleanup';
import { percentile, round } from './util';

/**
 * Runs in every viewer page before its scripts: notes when the page sends its first `room.join`
 * (socket.io frames are text: `42<ack>["room.join",…]`), then polls the live client's stats every
 * 50 ms until the instructor's camera has a decoded frame. Times are the page's performance.now(),
 * i.e. milliseconds since navigation start.
 */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { joinEmitAt: null, firstFrameAt: null, instructorId: null, error: null });
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
          const at = performance.now();
          const stats = await live.stats();
          if (stats.some((s) => s.peerId === b.instructorId && s.source === 'camera' && s.framesDecoded > 0)) {
            b.firstFrameAt = at;
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
  __bench: { joinEmitAt: number | null; firstFrameAt: number | null; error: string | null };
  __live?: { state: string; producers: Map<string, unknown> };
}

export interface FirstFrameSample {
  viewer: string;
  round: number;
  join_emit_to_first_frame_ms: number;
  navigation_to_join_emit_ms: number;
  navigation_to_first_frame_ms: number;
}

export interface FirstFrameResult {
  first_frame_p50_ms: number | null;
  first_frame_p95_ms: number | null;
  first_frame: {
    definition: string;
    samples: FirstFrameSample[];
    navigation_to_first_frame_p50_ms: number | null;
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
  },
): Promise<FirstFrameResult> {
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const server = new URL(loadConfig().DATABASE_URL);
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
  const room = await startClassroom();
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
  const samples: FirstFrameSample[] = [];
  const failures: string[] = [];
  rounds: for (let r = 1; r <= opts.rounds; r++) {
    const open: Page[] = [];
    for (const v of viewers) {
      if (opts.aborted()) {
        failures.push(`round ${r} from ${v.label} on: not measured (stopped)`);
        for (const page of open) await page.context().close();
        break rounds;
      }
      // Viewers publish in data-saver mode (lite): they share the benchmark's two cores.
      const page = await signedInPage(room.t, room.browser, v.username);
      open.push(page);
      await page.context().addInitScript({ content: INSTRUMENT });
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
          failures.push(`${v.label} round ${r}: no first frame (${b.error ?? 'refused'})`);
          continue;
        }
        samples.push({
          viewer: v.label,
          round: r,
          join_emit_to_first_frame_ms: round(b.firstFrameAt - b.joinEmitAt, 0),
          navigation_to_join_emit_ms: round(b.joinEmitAt, 0),
          navigation_to_first_frame_ms: round(b.firstFrameAt, 0),
        });
      } catch (e) {
        failures.push(`${v.label} round ${r}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    opts.log(`round ${r}: ${samples.filter((s) => s.round === r).length} first frames after ${since()}`);
    // Everyone leaves; the next round joins a room with the instructor only again.
    for (const page of open) await page.context().close();
    await waitState(instructor, 'joined');
  }
  const joinToFrame = samples.map((s) => s.join_emit_to_first_frame_ms);
  return {
    first_frame_p50_ms: joinToFrame.length ? percentile(joinToFrame, 50) : null,
    first_frame_p95_ms: joinToFrame.length ? percentile(joinToFrame, 95) : null,
    first_frame: {
      definition:
        "viewer page's first socket.io 'room.join' emit -> first 50 ms stats poll showing framesDecoded > 0 for the instructor's camera (both performance.now() in the viewer page)",
      samples,
      navigation_to_first_frame_p50_ms: samples.length
        ? percentile(
            samples.map((s) => s.navigation_to_first_frame_ms),
            50,
          )
        : null,
      failures,
      database,
    },
  };
}
