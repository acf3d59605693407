/**
 * The start command's supervisor: runs each service in its own process group, restarts one that dies
 * (a few times, with backoff, saying which and why), and on SIGINT/SIGTERM, or when it gives up, stops
 * every process group it started, so nothing is left running.
 *
 *   node --import tsx infra/scripts/supervise.ts --logs DIR [--log FILE] -- name=command args… ;; name=…
 *
 * Each service's output goes to DIR/<name>.log; the supervisor's own lines go to stderr and FILE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
}

export interface SuperviseOptions {
  /** Where each service's stdout/stderr goes (`<name>.log`, appended). */
  logDir: string;
  /** Restarts allowed per service within `windowMs`; one more exit and the supervisor gives up. */
  maxRestarts?: number;
  windowMs?: number;
  /** The first restart waits this long, each further one twice as long, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a stopped service may take to exit before its process group is killed. */
  stopTimeoutMs?: number;
  say?: (line: string) => void;
}

export interface Supervisor {
  /** Stops every service (TERM to each process group, KILL after the timeout). */
  stop(reason: string): Promise<void>;
  /** Resolves with the exit code once everything has stopped: 0 after stop(), 1 after giving up. */
  done: Promise<number>;
  /** Current main pid of each running service. */
  pids(): Record<string, number | undefined>;
}

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
};

export function supervise(specs: ServiceSpec[], opts: SuperviseOptions): Supervisor {
  const maxRestarts = opts.maxRestarts ?? 5;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const backoffMs = opts.backoffMs ?? 1_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  const say = opts.say ?? ((line) => process.stderr.write(`[supervisor] ${line}\n`));

  interface Running {
    spec: ServiceSpec;
    child?: ChildProcess;
    startedAt: number;
    exits: number[];
    timer?: NodeJS.Timeout;
    exited?: Promise<void>;
  }
  const services = specs.map((spec): Running => ({ spec, startedAt: 0, exits: [] }));
  let stopping: Promise<void> | null = null;
  let exitCode = 0;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));

  function start(s: Running) {
    const out = openSync(path.join(opts.logDir, `${s.spec.name}.log`), 'a');
    // detached: the service leads its own process group, so stopping it reaches its children too
    // (tsx's node process, mediasoup workers, ffmpeg), and a Ctrl-C at the terminal reaches only us.
    const child = spawn(s.spec.command, s.spec.args, { detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    s.child = child;
    s.startedAt = Date.now();
    s.exited = new Promise((resolve) => {
      let over = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (over) return;
        over = true;
        // Whatever the leader left behind in its group goes with it.
        if (child.pid) killGroup(child.pid, 'SIGKILL');
        s.child = undefined;
        resolve();
        if (!stopping) onUnexpectedExit(s, code, signal);
      };
      child.once('exit', finish);
      child.once('error', (err) => {
        say(`${s.spec.name} could not start: ${err.message}`);
        if (!child.pid) finish(127, null);
      });
    });
    say(`${s.spec.name} started (pid ${child.pid ?? '?'})`);
  }

  function onUnexpectedExit(s: Running, code: number | null, signal: NodeJS.Signals | null) {
    const now = Date.now();
    const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const ran = Math.round((now - s.startedAt) / 1000);
    s.exits = [...s.exits.filter((t) => now - t < windowMs), now];
    const restart = s.exits.length;
    if (restart > maxRestarts) {
      say(
        `${s.spec.name} ${why} after ${ran} s: ${restart} exits within ${Math.round(windowMs / 60_000)} min, giving up; stopping everything (see ${s.spec.name}.log)`,
      );
      exitCode = 1;
      void stop(`${s.spec.name} keeps exiting`);
      return;
    }
    const delay = Math.min(maxBackoffMs, backoffMs * 2 ** (restart - 1));
    say(
      `${s.spec.name} ${why} after ${ran} s; restarting in ${delay / 1000} s (restart ${restart} of ${maxRestarts} within ${Math.round(windowMs / 60_000)} min; see ${s.spec.name}.log)`,
    );
    s.timer = setTimeout(() => {
      s.timer = undefined;
      if (!stopping) start(s);
    }, delay);
  }

  function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      say(`stopping every service (${reason})`);
      for (const s of services) if (s.timer) clearTimeout(s.timer);
      const running = services.filter((s) => s.child?.pid);
      for (const s of running) killGroup(s.child!.pid!, 'SIGTERM');
      const all = Promise.all(running.map((s) => s.exited));
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), stopTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (late)
        for (const s of running)
          if (s.child?.pid) {
            say(`${s.spec.name} did not stop within ${stopTimeoutMs / 1000} s; killing its process group`);
            killGroup(s.child.pid, 'SIGKILL');
          }
      await all;
      say('every service stopped');
      resolveDone(exitCode);
    })();
    return stopping;
  }

  for (const s of services) start(s);
  return {
    stop,
    done,
    pids: () => Object.fromEntries(services.map((s) => [s.spec.name, s.child?.pid])),
  };
}

/** `name=command args…` groups separated by `;;`. */
export function parseServices(argv: string[]): ServiceSpec[] {
  const groups: string[][] = [[]];
  for (const a of argv)
    if (a === ';;') groups.push([]);
    else groups[groups.length - 1]!.push(a);
  return groups
    .filter((g) => g.length > 0)
    .map(([head, ...rest]) => {
      const eq = head!.indexOf('=');
      if (eq < 1) throw new Error(`expected name=command, got ${head}`);
      return { name: head!.slice(0, eq), command: head!.slice(eq + 1), args: rest };
    });
}

function main(argv: string[]) {
  const sep = argv.indexOf('--');
  const flags = argv.slice(0, sep < 0 ? argv.length : sep);
  const flag = (name: string) => {
    const i = flags.indexOf(name);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  const logDir = flag('--logs') ?? '.';
  const logFile = flag('--log');
  const say = (line: string) => {
    const stamped = `[supervisor] ${new Date().toISOString()} ${line}\n`;
    process.stderr.write(stamped);
    if (logFile) appendFileSync(logFile, stamped);
  };
  const sup = supervise(parseServices(sep < 0 ? [] : argv.slice(sep + 1)), { logDir, say });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void sup.stop(`received ${signal}`));
  // The start command went away without stopping us (kill -9): stop too rather than run on orphaned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void sup.stop('the start command is gone');
  }, 1_000).unref();
  void sup.done.then((code) => process.exit(code));
}

if (require.main === module) main(process.argv.slice(2));
