import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { supervise } from '../infra/scripts/supervise';

/**
 * The start command's supervisor (infra/scripts/supervise.ts) with tiny stand-in services: each writes
 * its pid and the pid of a child it spawned (as the live service spawns mediasoup workers) to a file.
 */
const ROOT = path.resolve(__dirname, '..');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (what: string, ok: () => boolean, timeout = 15_000) => {
  const end = Date.now() + timeout;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
/** A service that spawns a long-lived child, writes "<own pid> <child pid>" to `file`, and stays. */
const standIn = (file: string) => [
  '-e',
  `const { spawn } = require('node:child_process');
   const c = spawn('sleep', ['600'], { stdio: 'ignore' });
   require('node:fs').writeFileSync(${JSON.stringify(file)}, process.pid + ' ' + c.pid);
   setInterval(() => {}, 1000);`,
];
const pidsIn = (file: string) => readFileSync(file, 'utf8').split(' ').map(Number) as [number, number];

describe('start command supervisor', () => {
  let dir: string;
  let sup: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-supervisor-'));
  });
  afterEach(async () => {
    // A failed test still stops its stand-ins (TERM: the supervisor stops them; KILL if it cannot).
    if (sup && sup.exitCode === null && sup.signalCode === null) {
      sup.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2_000));
      sup.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('[REL-1] a service killed with -9 is restarted with its leftovers gone, and SIGINT stops every process it started', async () => {
    const a = path.join(dir, 'a.pids');
    const b = path.join(dir, 'b.pids');
    let log = '';
    sup = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/scripts/supervise.ts',
        '--logs',
        dir,
        '--',
        'alpha=' + process.execPath,
        ...standIn(a),
        ';;',
        'beta=' + process.execPath,
        ...standIn(b),
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    sup.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => sup!.once('exit', (code) => r(code)));

    await until('both services', () => existsSync(a) && existsSync(b));
    const [alpha, alphaChild] = pidsIn(a);
    const [beta, betaChild] = pidsIn(b);
    rmSync(a);

    // The service's own node process dies: the supervisor says so, kills what it left, starts it again.
    process.kill(alpha, 'SIGKILL');
    await until('alpha restarted', () => existsSync(a));
    const [alpha2, alpha2Child] = pidsIn(a);
    expect(alpha2).not.toBe(alpha);
    expect(log).toMatch(/alpha was killed by SIGKILL after \d+ s; restarting in 1 s \(restart 1 of 5/);
    await until('the dead service’s child gone', () => !alive(alphaChild));
    expect(alive(beta) && alive(betaChild)).toBe(true);

    // Ctrl-C: every process of every service is gone, the supervisor exits cleanly.
    sup.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of [alpha2, alpha2Child, beta, betaChild])
      await until(`pid ${pid} gone`, () => !alive(pid), 5_000);
    expect(log).toMatch(/stopping every service \(received SIGINT\)/);
    expect(log).toMatch(/every service stopped/);
  });

  test('[REL-1] a service that keeps dying is given up on after its restarts, and the others are stopped with it', async () => {
    const b = path.join(dir, 'b.pids');
    const lines: string[] = [];
    const s = supervise(
      [
        { name: 'flaky', command: process.execPath, args: ['-e', 'process.exit(3)'] },
        { name: 'steady', command: process.execPath, args: standIn(b) },
      ],
      { logDir: dir, maxRestarts: 2, backoffMs: 300, say: (l) => lines.push(l) },
    );
    await until('steady started', () => existsSync(b));
    const [steady, steadyChild] = pidsIn(b);
    expect(await s.done).toBe(1);
    await until('steady gone', () => !alive(steady) && !alive(steadyChild), 5_000);
    expect(lines.filter((l) => /^flaky exited with code 3 .* restarting in/.test(l))).toHaveLength(2);
    expect(lines.some((l) => /^flaky exited with code 3 .* 3 exits within 10 min, giving up/.test(l))).toBe(
      true,
    );
    expect(lines).toContain('every service stopped');
  });
});
