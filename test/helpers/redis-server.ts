import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A private redis-server a test starts, stops and starts again on its own free port (never the shared
 * one), with AOF persistence as the platform runs it (`--appendonly yes`): what a test may break.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops it (SIGKILL by default: a crash, so only what AOF had written survives). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data directory (it reloads its AOF); a no-op while it runs. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** Resolves once a TCP connection to `port` gets PONG. */
async function waitPong(port: number, child: ChildProcess, log: () => string) {
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`redis-server exited: ${log()}`);
    const pong = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.setTimeout(500, () => (c.destroy(), resolve(false)));
      c.on('error', () => resolve(false));
      c.on('connect', () => c.write('PING\r\n'));
      c.on('data', (d) => (c.destroy(), resolve(d.toString().startsWith('+PONG'))));
    });
    if (pong) return;
    if (Date.now() > end) throw new Error(`redis-server on ${port} does not answer: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPrivateRedis(opts: { appendonly?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--daemonize',
    'no',
  ];
  let child: ChildProcess | null = null;
  let out = '';
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    out = '';
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.on('data', (d) => (out = (out + d.toString()).slice(-4000)));
    c.stderr!.on('data', (d) => (out = (out + d.toString()).slice(-4000)));
    child = c;
    await waitPong(port, c, () => out);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
