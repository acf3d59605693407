/**
 * `npm run bench:api`: the API's own speed against a bare node:http server, in one run on one machine
 * (the ratios are the figures to compare between machines). Writes bench/results/api.json.
 *
 * - bare_rps: a bare node:http server answering a small JSON body (the ceiling of this machine).
 * - healthz_rps: the API's /healthz.
 * - read_rps / read_p99_ms: a signed-in read (GET /api/v1/auth/me as a class manager): the most the API
 *   serves, and the p99 latency at a fixed 500 req/s (the target: ≤ 50 ms).
 * - write_rps / write_p99_ms: a signed-in audited write (POST a contact-group message: a row and an
 *   audit-chain entry): the most, and the p99 at a fixed 100 req/s.
 *
 * The API runs as the start command runs it (its own process, `node --import tsx`, NODE_ENV=production,
 * info-level request log to a file, Redis-backed rate limits with a limit high enough not to refuse the
 * load), against a throwaway database seeded through the API. The load comes from autocannon in this
 * process, over loopback, 50 connections, after a warm-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '@seafarer/config';
import { dropDatabase, runMigrations } from '@seafarer/db';
import { Cleanup } from './lib/cleanup';
import { round, sleep } from './lib/util';

const ROOT = path.resolve(__dirname, '..');

interface Args {
  duration: number;
  warmup: number;
  connections: number;
  readRate: number;
  writeRate: number;
  out: string;
  cpuProf: boolean;
  /** Phases to run (all by default): bare, healthz, read, write. */
  only: Set<string> | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    duration: 10,
    warmup: 3,
    connections: 50,
    readRate: 500,
    writeRate: 100,
    out: path.join(ROOT, 'bench/results/api.json'),
    cpuProf: false,
    only: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i]!;
    if (flag === '--duration') a.duration = Number(next());
    else if (flag === '--warmup') a.warmup = Number(next());
    else if (flag === '--connections') a.connections = Number(next());
    else if (flag === '--read-rate') a.readRate = Number(next());
    else if (flag === '--write-rate') a.writeRate = Number(next());
    else if (flag === '--out') a.out = path.resolve(next());
    else if (flag === '--cpu-prof') a.cpuProf = true;
    else if (flag === '--only') a.only = new Set(next().split(','));
    else throw new Error(`unknown option ${flag}`);
  }
  return a;
}

const log = (msg: string) => process.stderr.write(`[bench:api] ${msg}\n`);

interface Load {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non_2xx: number;
  errors: number;
}

async function load(
  url: string,
  opts: {
    seconds: number;
    connections: number;
    rate?: number;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<Load> {
  const r = await autocannon({
    url,
    method: opts.method ?? 'GET',
    connections: opts.rate ? Math.min(opts.connections, 20) : opts.connections,
    duration: opts.seconds,
    ...(opts.rate && { overallRate: opts.rate }),
    headers: { ...(opts.body && { 'content-type': 'application/json' }), ...opts.headers },
    ...(opts.body && { body: opts.body }),
  });
  return {
    rps: round(r.requests.average, 0),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    requests: r.requests.total,
    non_2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** Warm-up, then the measured window. */
async function measure(
  name: string,
  url: string,
  args: Args,
  opts: Omit<Parameters<typeof load>[1], 'seconds' | 'connections'> = {},
) {
  await load(url, { ...opts, seconds: args.warmup, connections: args.connections });
  const r = await load(url, { ...opts, seconds: args.duration, connections: args.connections });
  log(
    `${name}: ${r.rps} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms (${r.requests} requests, ${r.non_2xx} not 2xx, ${r.errors} errors)`,
  );
  if (r.non_2xx > 0 || r.errors > 0)
    throw new Error(`${name}: ${r.non_2xx} answers not 2xx, ${r.errors} errors`);
  return r;
}

async function waitReady(url: string, proc: ChildProcess, what: string) {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${what} did not become ready`);
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  const stop = (code: number) => () => void cleanup.run().finally(() => process.exit(code));
  process.once('SIGINT', stop(130));
  process.once('SIGTERM', stop(143));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-bench-api-'));
  try {
    // A throwaway database and this run's own secrets (the API runs as in production).
    // eslint-disable-next-line no-restricted-properties -- the benchmark is a tool, not the platform
    const base = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const server = new URL(base.DATABASE_URL);
    server.pathname = `/seafarer_bench_api_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const databaseUrl = server.toString();
    cleanup.add('drop the database', () => dropDatabase(databaseUrl));
    await runMigrations(databaseUrl);
    const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), PII_KEY: randomBytes(32).toString('hex') };
    const prefix = `bench-${randomBytes(4).toString('hex')}`;

    // Seeded through the API, in this process, as the tests do.
    // eslint-disable-next-line no-restricted-properties -- handing the throwaway database to the test helpers
    Object.assign(process.env, { DATABASE_URL: databaseUrl, NODE_ENV: 'test', ...secrets });
    const { startTestApp } = await import('../test/helpers/app');
    const { createWorld } = await import('../test/helpers/world');
    const seeding = await startTestApp({ QUEUE_PREFIX: prefix });
    const world = await createWorld(seeding);
    const managerToken = world.as.manager.token!;
    await seeding.close();

    // The bare server: the same small JSON answer /healthz gives.
    const barePort = freePort();
    const bare = spawn(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }); res.end('{"status":"ok"}'); }).listen(${barePort}, '127.0.0.1');`,
      ],
      { stdio: 'ignore' },
    );
    cleanup.add('stop the bare server', () => bare.kill('SIGKILL'));
    await waitReady(`http://127.0.0.1:${barePort}/`, bare, 'the bare server');

    const apiPort = freePort();
    const logFile = path.join(dir, 'api.log');
    const apiOut = openSync(logFile, 'a');
    const api = spawn(
      process.execPath,
      [
        ...(args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []),
        '--import',
        'tsx',
        'services/api/src/server.ts',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', apiOut, apiOut],
        env: {
          // eslint-disable-next-line no-restricted-properties -- the child needs to find node and its home
          PATH: process.env.PATH,
          // eslint-disable-next-line no-restricted-properties -- as above
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          DATABASE_URL: databaseUrl,
          REDIS_URL: base.REDIS_URL,
          API_HOST: '127.0.0.1',
          API_PORT: String(apiPort),
          PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
          QUEUE_PREFIX: prefix,
          STORAGE_DIR: path.join(dir, 'storage'),
          RATE_LIMIT_PER_MINUTE: '100000000',
          ...secrets,
        },
      },
    );
    cleanup.add('stop the API', async () => {
      api.kill('SIGTERM');
      await new Promise((r) => (api.exitCode !== null ? r(null) : api.once('exit', r)));
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitReady(`${apiUrl}/readyz`, api, 'the API');
    log(`API pid ${api.pid} on ${apiUrl}, log ${logFile}`);

    const auth = { authorization: `Bearer ${managerToken}` };
    const skipped: Load = { rps: 0, p50_ms: 0, p99_ms: 0, requests: 0, non_2xx: 0, errors: 0 };
    const phase = (name: string, run: () => Promise<Load>) =>
      !args.only || args.only.has(name) ? run() : Promise.resolve(skipped);
    const bareR = await phase('bare', () => measure('bare node:http', `http://127.0.0.1:${barePort}/`, args));
    const healthz = await phase('healthz', () => measure('GET /healthz', `${apiUrl}/healthz`, args));
    const me = `${apiUrl}/api/v1/auth/me`;
    const read = await phase('read', () => measure('GET /api/v1/auth/me (max)', me, args, { headers: auth }));
    const readAt = await phase('read', () =>
      measure(`GET /api/v1/auth/me at ${args.readRate} req/s`, me, args, {
        headers: auth,
        rate: args.readRate,
      }),
    );
    const message = `${apiUrl}/api/v1/classes/${world.classId}/messages`;
    const body = JSON.stringify({ body: '班级群测试消息 bench message' });
    const post = { method: 'POST' as const, headers: auth, body };
    const write = await phase('write', () => measure('POST message (max)', message, args, post));
    const writeAt = await phase('write', () =>
      measure(`POST message at ${args.writeRate} req/s`, message, args, { ...post, rate: args.writeRate }),
    );

    const result = {
      date: new Date().toISOString(),
      machine: os.hostname(),
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      connections: args.connections,
      duration_s: args.duration,
      bare_rps: bareR.rps,
      healthz_rps: healthz.rps,
      healthz_to_bare_ratio: round(healthz.rps / bareR.rps, 3),
      read_rps: read.rps,
      read_to_bare_ratio: round(read.rps / bareR.rps, 3),
      read_p99_ms: readAt.p99_ms,
      read_p99_rate: args.readRate,
      read_p99_ms_at_max: read.p99_ms,
      write_rps: write.rps,
      write_p99_ms: writeAt.p99_ms,
      write_p99_rate: args.writeRate,
      write_p99_ms_at_max: write.p99_ms,
      targets: {
        healthz_rps_at_least_half_of_bare: healthz.rps >= 0.5 * bareR.rps,
        read_p99_ms_at_most_50_at_500_rps: readAt.p99_ms <= 50,
      },
      detail: { bare: bareR, healthz, read, read_at_rate: readAt, write, write_at_rate: writeAt },
      ...(args.cpuProf && { cpu_profile_dir: dir }),
    };
    mkdirSync(path.dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${args.out}`);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await cleanup.run();
    for (const e of cleanup.errors) log(e);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
