import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { freePorts } from '../helpers/cluster';

/**
 * REL-1: the process-wide policy, on the real servers started as the start command does (tsx), each
 * in its own process: an unhandled rejection and an uncaught exception (injected from outside the
 * product code by a test preload, on SIGUSR2) are logged at error level with their error, counted in
 * /healthz, and the process keeps serving; SIGTERM still ends it cleanly.
 */
const root = path.resolve(__dirname, '../..');
const preload = path.join(__dirname, 'robustness-fault.preload.cjs');
interface Line {
  level: number;
  msg: string;
  err?: { message?: string };
}
interface Server {
  proc: ChildProcess;
  lines: Line[];
  exited: Promise<number | null>;
}
const started: Server[] = [];

function start(entry: string, env: Record<string, string>): Server {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--require', preload, entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts)
      try {
        lines.push(JSON.parse(p) as Line);
      } catch {
        // not a log line
      }
  });
  proc.stderr!.on('data', (chunk: Buffer) => process.env.REL1_DEBUG && process.stderr.write(chunk));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const s = { proc, lines, exited };
  started.push(s);
  return s;
}
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const up = (url: string) => () =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

afterAll(async () => {
  for (const s of started)
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
}, 30_000);

/** Injects the faults, then checks the log, the counts and that the process still serves. */
async function survives(s: Server, healthUrl: string) {
  expect((await get(healthUrl)).body).toMatchObject({ status: 'ok', unhandledErrors: 0 });
  s.proc.kill('SIGUSR2');
  await until('both faults logged', () => s.lines.filter((l) => l.level === 50).length >= 2, 10_000);
  const rejection = s.lines.find((l) => l.msg.startsWith('unhandled promise rejection'))!;
  expect(rejection).toMatchObject({ level: 50, err: { message: 'injected unhandled rejection' } });
  const exception = s.lines.find((l) => l.msg.startsWith('uncaught exception'))!;
  expect(exception).toMatchObject({ level: 50, err: { message: 'injected uncaught exception' } });
  expect(s.proc.exitCode).toBeNull();
  const health = await get(healthUrl);
  expect(health).toMatchObject({
    status: 200,
    body: { status: 'ok', unhandledErrors: 2, unhandledRejections: 1, uncaughtExceptions: 1 },
  });
}
async function stops(s: Server) {
  s.proc.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

describe('process policy of the real servers', () => {
  const shared = () => ({
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-policy-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    API_HOST: '127.0.0.1',
  });

  it('[REL-1] the live service logs and counts an unhandled rejection and an uncaught exception, and keeps admitting (coded answers on its socket)', async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const s = start('services/live/src/server.ts', {
      ...shared(),
      LIVE_PORT: String(port),
      LIVE_PUBLIC_URL: url,
      LIVE_NODE_ID: `policy-${port}`,
      LIVE_WORKERS: '1',
    });
    await until('the live service', up(`${url}/healthz`));
    await survives(s, `${url}/healthz`);
    // Its signaling still answers: a connection without a grant is refused with a code, not dropped.
    const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const refused = await new Promise<{ data?: { code: string } }>((r) => socket.once('connect_error', r));
    socket.close();
    expect(refused.data?.code).toBe('UNAUTHENTICATED');
    expect((await get(`${url}/readyz`)).status).toBe(200);
    await stops(s);
  }, 90_000);

  it('[REL-1] the API logs and counts them too, and keeps answering requests', async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const s = start('services/api/src/server.ts', { ...shared(), API_PORT: String(port) });
    await until('the API', up(`${url}/healthz`));
    await survives(s, `${url}/healthz`);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    const me = await fetch(`${url}/api/v1/auth/me`);
    expect(me.status).toBe(401);
    expect(((await me.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    await stops(s);
  }, 90_000);

  it('[REL-1] the worker logs and counts them too, and its health answers', async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const s = start('services/worker/src/server.ts', { ...shared(), WORKER_HEALTH_PORT: String(port) });
    await until('the worker', up(`${url}/healthz`));
    await survives(s, `${url}/healthz`);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    await stops(s);
  }, 90_000);
});
