/**
 * The HTTP / BullMQ half of `npm run bench:marking` (JS-7.3, REL-2): the api and the worker as their
 * own processes (`node --import tsx services/{api,worker}/src/server.ts`, NODE_ENV=production),
 * against a throwaway database seeded through the API (test helpers) and widened by copying rows.
 *
 * - bullmq_noop_jobs_per_s: BullMQ on the same Redis, in this process: `--noop-jobs` jobs added in
 *   bulk, a worker of the job worker's concurrency (4) that does nothing; jobs completed per second.
 * - answer_save_p99_ms: `--candidates` (200) candidates, each signed in, start a 100-question fixed
 *   paper and answer every question one after the other, all candidates at once (POST …/answers,
 *   latency of each acknowledged save).
 * - lost_answers: a second round of saves (every answer changed, seq + 1) is cut by `kill -9` of the
 *   api once half of them were acknowledged; the api is started again and every acknowledged save
 *   (attempt, question, seq) is looked up in PostgreSQL. Lost = acknowledged but not stored.
 * - burst_marked_p99_ms: all candidates submit at once (POST …/submit); per attempt, the time from
 *   sending the submit to `marked_at` stored by the worker's exam.mark job (outbox → BullMQ → core).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Blueprint, CandidateAnswer, Paper, PaperQuestion, QuestionBody } from '@seafarer/contracts';
import { loadConfig } from '@seafarer/config';
import {
  accounts,
  createDb,
  dropDatabase,
  examAnswers,
  examAttempts,
  examCandidates,
  people,
  rosterEntries,
  runMigrations,
} from '@seafarer/db';
import { createClient } from '@seafarer/sdk';
import { Cleanup } from './cleanup';
import { percentile, round, sleep } from './util';

const ROOT = path.resolve(__dirname, '../..');
const freePort = () => 20000 + Math.floor(Math.random() * 20000);

async function waitReady(url: string, proc: ChildProcess, what: string) {
  const end = Date.now() + 90_000;
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

const log = (m: string) => console.log(`[bench:marking] ${m}`);

/** 100 questions in one chapter: 40 single, 20 multiple, 20 true/false, 15 fill-in, 5 short answer. */
const MIX: Array<[QuestionBody['type'], number, number]> = [
  ['single', 2, 40],
  ['multiple', 3, 20],
  ['true_false', 1, 20],
  ['fill_in', 2, 15],
  ['short_answer', 3, 5],
];
const CHAPTER = '第九章 评卷基准 Bench';

function benchQuestion(type: QuestionBody['type'], difficulty: number, i: number): QuestionBody {
  const opts = ['A', 'B', 'C', 'D'].map((key) => ({ key, text: `选项 ${key} 第 ${i} 题` }));
  const base = { chapter: CHAPTER, difficulty, score: 1, stem: `基准 ${type} 第 ${i} 题：船舶消防的说法？` };
  switch (type) {
    case 'single':
      return { ...base, type, options: opts, answer: { keys: ['B'] } };
    case 'multiple':
      return { ...base, type, score: 2, options: opts, answer: { keys: ['A', 'C'] } };
    case 'true_false':
      return { ...base, type, answer: { value: i % 2 === 0 } };
    case 'fill_in':
      return { ...base, type, answer: { accepted: ['二氧化碳'], synonyms: ['CO2'] } };
    default:
      return { ...base, type, score: 5, answer: { reference: '报警、灭火、撤离' } };
  }
}

function answerFor(q: PaperQuestion, round: number): CandidateAnswer {
  const shown = (k: string) => Object.entries(q.optionMap ?? {}).find(([, o]) => o === k)?.[0] ?? k;
  const right = round % 2 === 1;
  switch (q.type) {
    case 'single':
      return right ? shown('B') : shown('A');
    case 'multiple':
      return right ? [shown('A'), shown('C')] : [shown('A')];
    case 'true_false':
      return right ? q.answer.value! : !q.answer.value;
    case 'fill_in':
      return right ? ' ＣＯ２ ' : '水';
    default:
      return right ? '立即报警，组织灭火，必要时撤离。' : '报警。';
  }
}

export interface HttpBenchArgs {
  candidates: number;
  noopJobs: number;
}

export async function runHttpBench(args: HttpBenchArgs) {
  const cleanup = new Cleanup();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-bench-marking-'));
  try {
    // eslint-disable-next-line no-restricted-properties -- the benchmark is a tool, not the platform
    const base = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const server = new URL(base.DATABASE_URL);
    server.pathname = `/seafarer_bench_marking_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const databaseUrl = server.toString();
    cleanup.add('drop the database', () => dropDatabase(databaseUrl));
    await runMigrations(databaseUrl);
    const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), PII_KEY: randomBytes(32).toString('hex') };
    const prefix = `bench-${randomBytes(4).toString('hex')}`;

    // ---- BullMQ no-op jobs, the reference for the marking burst ----
    const connection = { url: base.REDIS_URL, maxRetriesPerRequest: null };
    const noopName = `${prefix}-noop`;
    const q = new Queue(noopName, { connection, prefix });
    let done = 0;
    let allDone!: () => void;
    const finished = new Promise<void>((r) => (allDone = r));
    const w = new Worker(
      noopName,
      async () => {
        if (++done === args.noopJobs) allDone();
      },
      { connection, prefix, concurrency: 4, autorun: false },
    );
    const jobs = Array.from({ length: args.noopJobs }, (_, i) => ({
      name: 'noop',
      data: { i },
      opts: { jobId: `noop-${i}`, removeOnComplete: true },
    }));
    for (let i = 0; i < jobs.length; i += 500) await q.addBulk(jobs.slice(i, i + 500));
    const tNoop = performance.now();
    void w.run();
    await finished;
    const noopS = (performance.now() - tNoop) / 1000;
    await w.close();
    await q.obliterate({ force: true });
    await q.close();
    const bullmqNoopJobsPerS = Math.round(args.noopJobs / noopS);
    log(`BullMQ no-op: ${args.noopJobs} jobs in ${noopS.toFixed(2)} s → ${bullmqNoopJobsPerS}/s`);

    // ---- Seeding through the API (test helpers), in this process ----
    // eslint-disable-next-line no-restricted-properties -- handing the throwaway database to the test helpers
    Object.assign(process.env, { DATABASE_URL: databaseUrl, NODE_ENV: 'test', ...secrets });
    const { startTestApp } = await import('../../test/helpers/app');
    const { createWorld, NEW_PASSWORD } = await import('../../test/helpers/world');
    const { addExamFixture } = await import('../../test/helpers/exams');
    const seeding = await startTestApp({ QUEUE_PREFIX: prefix });
    const world = await createWorld(seeding);
    for (const [type, difficulty, count] of MIX)
      for (let i = 0; i < count; i++)
        await world.as.manager.questions.create(world.theoryItemId, benchQuestion(type, difficulty, i));
    const blueprint: Blueprint = {
      cells: MIX.map(([type, difficulty, count]) => ({ chapter: CHAPTER, type, difficulty, count })),
    };
    const f = await addExamFixture(seeding, world, {
      trainees: 3,
      paperMode: 'fixed',
      durationMinutes: 120,
      blueprint,
      passMark: { kind: 'percent', value: 60 },
      title: '评卷基准考试 Marking bench',
    });
    await seeding.close();
    const handle = createDb(databaseUrl);
    const db = handle.db;
    cleanup.add('close the database pool', () => handle.close());

    // Widen to `candidates`: copies of the first candidate's person, account and roster entry.
    const [acc] = await db.select().from(accounts).where(eq(accounts.id, f.candidates[0]!.accountId));
    const [person] = await db.select().from(people).where(eq(people.id, acc!.personId));
    const [entry] = await db
      .select()
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, f.classId), eq(rosterEntries.accountId, acc!.id)));
    const usernames = f.candidates.map((c) => c.username);
    for (let i = f.candidates.length; i < args.candidates; i++) {
      const personId = randomUUID();
      const accountId = randomUUID();
      const entryId = randomUUID();
      const username = `bench-cand-${i}-${randomBytes(3).toString('hex')}`;
      await db.insert(people).values({ ...person!, id: personId, displayName: `考生${i}` });
      await db.insert(accounts).values({ ...acc!, id: accountId, personId, username });
      await db.insert(rosterEntries).values({
        ...entry!,
        id: entryId,
        accountId,
        name: `考生${i}`,
        idNumberHash: randomBytes(16).toString('hex'),
      });
      await db.insert(examCandidates).values({ examId: f.examId, accountId, rosterEntryId: entryId });
      usernames.push(username);
    }

    // ---- The api and the worker, each its own process ----
    const apiPort = freePort();
    const env = {
      // eslint-disable-next-line no-restricted-properties -- the child needs to find node and its home
      PATH: process.env.PATH,
      // eslint-disable-next-line no-restricted-properties -- as above
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      REDIS_URL: base.REDIS_URL,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      QUEUE_PREFIX: prefix,
      STORAGE_DIR: path.join(dir, 'storage'),
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000000',
      ...secrets,
    };
    const out = openSync(path.join(dir, 'processes.log'), 'a');
    const startApi = async () => {
      const p = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/server.ts'], {
        cwd: ROOT,
        stdio: ['ignore', out, out],
        env,
      });
      await waitReady(`http://127.0.0.1:${apiPort}/readyz`, p, 'the API');
      return p;
    };
    let api = await startApi();
    cleanup.add('stop the API', async () => {
      if (api.exitCode !== null || api.signalCode) return;
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    });
    const worker = spawn(process.execPath, ['--import', 'tsx', 'services/worker/src/server.ts'], {
      cwd: ROOT,
      stdio: ['ignore', out, out],
      env,
    });
    cleanup.add('stop the worker', async () => {
      if (worker.exitCode !== null) return;
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    log(`api pid ${api.pid}, worker pid ${worker.pid}, ${usernames.length} candidates, logs in ${dir}`);

    // Sign in and start, all candidates.
    const anon = createClient({ baseUrl: apiUrl });
    const tokens: string[] = [];
    for (const u of usernames) {
      const pair = await anon.auth.login({ username: u, password: NEW_PASSWORD });
      tokens.push(pair.accessToken);
    }
    const base1 = `${apiUrl}/api/v1/classes/${f.classId}/exams/${f.examId}/attempts`;
    const post = (token: string, url: string, body?: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const attemptIds = await Promise.all(
      tokens.map(async (tk, i) => {
        const r = await post(tk, base1, { deviceId: `bench-${i}` });
        if (!r.ok) throw new Error(`start: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { id: string }).id;
      }),
    );
    const [one] = await db
      .select({ paper: examAttempts.paper })
      .from(examAttempts)
      .where(eq(examAttempts.id, attemptIds[0]!));
    const paper = one!.paper as Paper;
    log(`paper of ${paper.questions.length} questions, ${paper.totalScore} points`);

    // Round 1: every candidate answers every question, all at once.
    const saveMs: number[] = [];
    let saveErrors = 0;
    const t1 = performance.now();
    await Promise.all(
      tokens.map(async (tk, i) => {
        for (const q of paper.questions) {
          const t0 = performance.now();
          const r = await post(tk, `${base1}/${attemptIds[i]}/answers`, {
            questionId: q.questionId,
            answer: answerFor(q, 1),
            seq: 1,
            deviceId: `bench-${i}`,
          });
          await r.arrayBuffer();
          if (r.ok) saveMs.push(performance.now() - t0);
          else saveErrors++;
        }
      }),
    );
    const round1S = (performance.now() - t1) / 1000;
    log(
      `round 1: ${saveMs.length} saves in ${round1S.toFixed(1)} s, p99 ${percentile(saveMs, 99).toFixed(1)} ms`,
    );

    // Round 2: every answer changed; kill -9 of the api once half are acknowledged.
    const total2 = tokens.length * paper.questions.length;
    const acked: Array<{ attemptId: string; questionId: string }> = [];
    let killedAt = -1;
    let round2Errors = 0;
    await Promise.all(
      tokens.map(async (tk, i) => {
        for (const q of paper.questions.slice().reverse()) {
          try {
            const r = await post(tk, `${base1}/${attemptIds[i]}/answers`, {
              questionId: q.questionId,
              answer: answerFor(q, 2),
              seq: 2,
              deviceId: `bench-${i}`,
            });
            const body = (await r.json()) as { stored?: boolean; seq?: number };
            if (r.ok && body.seq === 2) acked.push({ attemptId: attemptIds[i]!, questionId: q.questionId });
            else round2Errors++;
          } catch {
            round2Errors++;
            return; // the api is gone: this candidate's client stops
          }
          if (killedAt < 0 && acked.length >= total2 / 2) {
            killedAt = acked.length;
            api.kill('SIGKILL');
          }
        }
      }),
    );
    await new Promise((r) => (api.exitCode !== null || api.signalCode ? r(null) : api.once('exit', r)));
    log(`kill -9 of the api after ${killedAt} acknowledged saves of round 2 (${acked.length} acked in all)`);
    const stored = new Set<string>();
    for (let i = 0; i < attemptIds.length; i += 50) {
      const rows = await db
        .select({ attemptId: examAnswers.attemptId, questionId: examAnswers.questionId })
        .from(examAnswers)
        .where(
          and(inArray(examAnswers.attemptId, attemptIds.slice(i, i + 50)), sql`${examAnswers.seq} >= 2`),
        );
      for (const r of rows) stored.add(`${r.attemptId}/${r.questionId}`);
    }
    const lostAnswers = acked.filter((a) => !stored.has(`${a.attemptId}/${a.questionId}`)).length;
    log(`lost answers: ${lostAnswers} of ${acked.length} acknowledged`);
    api = await startApi();

    // Burst: everyone submits at once; submit sent → marked_at stored by the worker.
    const sentAt = new Map<string, number>();
    const tBurst = Date.now();
    const submits = await Promise.all(
      tokens.map(async (tk, i) => {
        sentAt.set(attemptIds[i]!, Date.now());
        const r = await post(tk, `${base1}/${attemptIds[i]}/submit`);
        await r.arrayBuffer();
        return r.status;
      }),
    );
    const submitFailed = submits.filter((s) => s !== 200).length;
    const markedMs = new Map<string, number>();
    const deadline = Date.now() + 120_000;
    while (markedMs.size < attemptIds.length && Date.now() < deadline) {
      const rows = await db
        .select({ id: examAttempts.id, markedAt: examAttempts.markedAt })
        .from(examAttempts)
        .where(and(eq(examAttempts.examId, f.examId), eq(examAttempts.status, 'marked')));
      for (const r of rows)
        if (r.markedAt && !markedMs.has(r.id)) markedMs.set(r.id, r.markedAt.getTime() - sentAt.get(r.id)!);
      await sleep(50);
    }
    const marked = [...markedMs.values()];
    const burstAllS = (Math.max(...marked) + Math.min(...[...sentAt.values()]) - tBurst) / 1000;
    log(
      `burst: ${submits.length} submits (${submitFailed} failed), ${marked.length} marked, p99 ${percentile(marked, 99)} ms`,
    );
    const burstMarkedPerS = marked.length / Math.max(0.001, burstAllS);

    return {
      candidates: tokens.length,
      http_paper_questions: paper.questions.length,
      answer_saves: saveMs.length,
      answer_save_errors: saveErrors,
      answer_saves_per_s: Math.round(saveMs.length / round1S),
      answer_save_p50_ms: round(percentile(saveMs, 50), 1),
      answer_save_p99_ms: round(percentile(saveMs, 99), 1),
      answer_save_max_ms: round(Math.max(...saveMs), 1),
      kill_after_acked: killedAt,
      acked_before_kill: acked.length,
      round2_unacknowledged: round2Errors,
      lost_answers: lostAnswers,
      submits: submits.length,
      submit_failed: submitFailed,
      burst_marked: marked.length,
      burst_marked_p50_ms: percentile(marked, 50),
      burst_marked_p99_ms: percentile(marked, 99),
      burst_marked_max_ms: Math.max(...marked),
      burst_marked_target_ms: 3000,
      burst_marked_per_s: round(burstMarkedPerS, 1),
      bullmq_noop_jobs: args.noopJobs,
      bullmq_noop_jobs_per_s: bullmqNoopJobsPerS,
      burst_marked_to_noop_ratio: round(burstMarkedPerS / bullmqNoopJobsPerS, 4),
    };
  } finally {
    await cleanup.run();
  }
}
