/**
 * `npm run bench:marking` (JS-7.3): the pure parts of exams, in this process. Writes
 * bench/results/marking.json.
 *
 * - papers_per_s_per_core: `markAttempt` on a 100-question mixed paper (40 single, 20 multiple with
 *   the partial policy, 20 true/false, 15 fill-in of one to three blanks, 5 short answers), over 500
 *   different answer sheets (right, wrong, half-right, full-width and padded fill-ins, unanswered),
 *   one thread, for `--seconds` (3). Per core = papers over the CPU seconds this process used in the
 *   loop (process.cpuUsage), so another program on the machine does not lower it; the wall-clock
 *   rate is beside it (`papers_per_s_wall`). Target ≥ 2000. The same paper object marked again and
 *   again keeps its fill-in answers' normal forms cached; `first_marking_papers_per_s_per_core` marks
 *   4 000 separate copies once each (a marking job loads the paper and marks it once).
 * - json_roundtrips_per_s_per_core: in the same run, the same way, JSON.parse(JSON.stringify(…)) of
 *   the same paper and one sheet (what storing and loading an attempt costs at the least), and
 *   `marking_to_json_ratio` = papers_per_s_per_core / json_roundtrips_per_s_per_core: the figure to
 *   compare between machines.
 * - assembly_ms_p50 / assembly_ms_p99: `assemblePaper` of a 100-question blueprint (35 cells) from a
 *   2 000-question pool (5 chapters × 5 types × 4 difficulties × 20), one seed per run, `--runs` (400)
 *   runs after 50 warm-up runs; `assembly_prepared_ms_*` the same from a pool prepared once
 *   (`preparePool`, as for the papers of all candidates of one exam).
 * - answer_save_p99_ms, burst_marked_p99_ms, bullmq_noop_jobs_per_s, lost_answers: the HTTP / BullMQ
 *   path, in bench/lib/marking-http.ts (the api and the worker as their own processes; `--candidates`
 *   200, `--noop-jobs` 5000; `--no-http` skips it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  AnswerSheet,
  Blueprint,
  CandidateAnswer,
  Paper,
  PoolQuestion,
  QuestionType,
} from '@seafarer/contracts';
import { assemblePaper, createPrng, markAttempt, preparePool, type Prng } from '@seafarer/core';
import { runHttpBench } from './lib/marking-http';
import { percentile, round } from './lib/util';

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv: string[]) {
  const a = {
    seconds: 3,
    runs: 400,
    out: path.join(ROOT, 'bench/results/marking.json'),
    http: true,
    candidates: 200,
    noopJobs: 5000,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else if (argv[i] === '--runs') a.runs = Number(argv[++i]);
    else if (argv[i] === '--out') a.out = argv[++i]!;
    else if (argv[i] === '--no-http') a.http = false;
    else if (argv[i] === '--candidates') a.candidates = Number(argv[++i]);
    else if (argv[i] === '--noop-jobs') a.noopJobs = Number(argv[++i]);
  }
  return a;
}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const CHAPTERS = ['船舶结构与设备', '船舶消防', '海上求生', '船舶保安', '防止海洋污染'];
const TYPES: QuestionType[] = ['single', 'multiple', 'true_false', 'fill_in', 'short_answer'];
const KEYS = ['A', 'B', 'C', 'D', 'E'];

function makeQuestion(
  n: number,
  chapter: string,
  type: QuestionType,
  difficulty: number,
  rng: Prng,
): PoolQuestion {
  const base = {
    questionId: uuid(n),
    versionId: uuid(10_000_000 + n),
    chapter,
    type,
    difficulty,
    score: 1,
    stem: `第 ${n} 题：关于${chapter}的下列说法`,
  };
  const options = (count: number) =>
    KEYS.slice(0, count).map((key) => ({ key, text: `选项 ${key}：${chapter} ${n}` }));
  switch (type) {
    case 'single':
      return { ...base, options: options(4), answer: { keys: [KEYS[rng.below(4)]!] } };
    case 'multiple':
      return { ...base, score: 2, options: options(5), answer: { keys: ['A', 'C', 'D'] } };
    case 'true_false':
      return { ...base, answer: { value: rng.below(2) === 0 } };
    case 'fill_in': {
      const blanks = 1 + (n % 3);
      return blanks === 1
        ? { ...base, answer: { accepted: ['二氧化碳'], synonyms: ['CO2', '二氧化碳灭火剂'] } }
        : {
            ...base,
            score: blanks,
            answer: {
              blanks: Array.from({ length: blanks }, (_, i) => ({
                accepted: [`答案${i}`],
                synonyms: [`Answer ${i}`],
              })),
            },
          };
    }
    default:
      return { ...base, score: 5, answer: { reference: '参考要点：报警、灭火、撤离' } };
  }
}

/** 5 chapters × 5 types × difficulties 1–4 × 20 = 2 000 questions. */
function makePool(rng: Prng): PoolQuestion[] {
  const pool: PoolQuestion[] = [];
  let n = 1;
  for (const chapter of CHAPTERS)
    for (const type of TYPES)
      for (let difficulty = 1; difficulty <= 4; difficulty++)
        for (let i = 0; i < 20; i++) pool.push(makeQuestion(n++, chapter, type, difficulty, rng));
  return pool;
}

/** 100 questions in 25 cells: per chapter 8 single, 4 multiple, 4 true/false, 3 fill-in, 1 short answer. */
function makeBlueprint(): Blueprint {
  const perChapter: Array<[QuestionType, number, number]> = [
    ['single', 1, 4],
    ['single', 2, 4],
    ['multiple', 2, 2],
    ['multiple', 3, 2],
    ['true_false', 1, 4],
    ['fill_in', 3, 3],
    ['short_answer', 4, 1],
  ];
  return {
    cells: CHAPTERS.flatMap((chapter) =>
      perChapter.map(([type, difficulty, count]) => ({ chapter, type, difficulty, count })),
    ),
  };
}

/** A candidate's sheet: answers right, wrong, half-right, padded or full-width, or left out, at random. */
function makeSheet(paper: Paper, rng: Prng): AnswerSheet {
  const sheet: Record<string, CandidateAnswer> = {};
  const shownOf = (q: Paper['questions'][number], k: string) =>
    Object.keys(q.optionMap!).find((s) => q.optionMap![s] === k)!;
  for (const q of paper.questions) {
    const roll = rng.below(10);
    if (roll === 0) continue; // unanswered
    const right = roll >= 4;
    switch (q.type) {
      case 'single':
        sheet[q.questionId] = right ? shownOf(q, q.answer.keys![0]!) : KEYS[rng.below(4)]!;
        break;
      case 'multiple':
        sheet[q.questionId] = right
          ? q.answer.keys!.map((k) => shownOf(q, k))
          : KEYS.filter(() => rng.below(2) === 0);
        break;
      case 'true_false':
        sheet[q.questionId] = right ? q.answer.value! : rng.below(2) === 0;
        break;
      case 'fill_in': {
        const blanks = q.answer.blanks ?? [{ accepted: q.answer.accepted!, synonyms: q.answer.synonyms }];
        sheet[q.questionId] = blanks.map((b, i) =>
          right
            ? i % 2 === 0
              ? `  ${b.accepted[0]} `
              : (b.synonyms?.[0] ?? b.accepted[0]!).toUpperCase()
            : 'ＣＯ３',
        );
        break;
      }
      default:
        sheet[q.questionId] = '发现火情立即报警，组织灭火，必要时撤离。';
    }
  }
  return sheet;
}

/** Runs `fn` for about `seconds`; rate per CPU second of this process and per wall second. */
function rate(seconds: number, fn: (i: number) => unknown): { perCpuS: number; perWallS: number; n: number } {
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += fn(i) ? 1 : 0; // warm-up (JIT)
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 50; k++) sink += fn(n++) ? 1 : 0;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (sink < 0) console.log(sink);
  return { perCpuS: (n * 1000) / cpuMs, perWallS: (n * 1000) / wallMs, n };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rng = createPrng('bench-marking');
  const pool = makePool(rng);
  const blueprint = makeBlueprint();

  // Assembly: one fresh seed per run, as per-candidate papers are drawn.
  for (let i = 0; i < 50; i++) assemblePaper(blueprint, pool, `warm-${i}`);
  const assemblyMs: number[] = [];
  for (let i = 0; i < args.runs; i++) {
    const t0 = performance.now();
    assemblePaper(blueprint, pool, `candidate-${i}`);
    assemblyMs.push(performance.now() - t0);
  }

  // A paper per candidate, the pool prepared once (as for the 200 candidates of one exam).
  const prepared = preparePool(pool);
  for (let i = 0; i < 50; i++) assemblePaper(blueprint, prepared, `warm-prepared-${i}`);
  const preparedMs: number[] = [];
  for (let i = 0; i < args.runs; i++) {
    const t0 = performance.now();
    assemblePaper(blueprint, prepared, `candidate-prepared-${i}`);
    preparedMs.push(performance.now() - t0);
  }

  const paper = assemblePaper(blueprint, pool, 'the-paper');
  if (paper.questions.length !== 100) throw new Error(`paper of ${paper.questions.length} questions`);
  const sheets = Array.from({ length: 500 }, () => makeSheet(paper, rng));
  const policy = { multiple: 'partial', fillIn: 'per_blank' } as const;
  let scoreSum = 0;
  const marking = rate(args.seconds, (i) => {
    const m = markAttempt(paper, sheets[i % sheets.length]!, policy);
    scoreSum += m.score;
    return m.complete;
  });
  // Each paper object marked once: no cached normal forms of its fill-in answers (as a marking job
  // that loads the paper from the database and marks it once).
  const copies = Array.from({ length: 4000 }, () => structuredClone(paper));
  const cpuFirst0 = process.cpuUsage();
  const tFirst0 = performance.now();
  for (let i = 0; i < copies.length; i++)
    scoreSum += markAttempt(copies[i]!, sheets[i % sheets.length]!, policy).score;
  const firstWallMs = performance.now() - tFirst0;
  const firstCpu = process.cpuUsage(cpuFirst0);
  const firstPerCpuS = (copies.length * 1e6) / (firstCpu.user + firstCpu.system);
  const json = rate(args.seconds, (i) =>
    JSON.parse(JSON.stringify({ paper, answers: sheets[i % sheets.length]! })),
  );
  const mean = markAttempt(paper, sheets[0]!, policy);
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  const http = args.http
    ? await runHttpBench({ candidates: args.candidates, noopJobs: args.noopJobs })
    : null;

  const result = {
    paper_questions: paper.questions.length,
    paper_types: Object.fromEntries(
      TYPES.map((t) => [t, paper.questions.filter((q) => q.type === t).length]),
    ),
    paper_total_score: paper.totalScore,
    sheets: sheets.length,
    example_sheet_score: mean.score,
    papers_marked: marking.n,
    papers_per_s_per_core: Math.round(marking.perCpuS),
    papers_per_s_wall: Math.round(marking.perWallS),
    papers_per_s_target: 2000,
    first_marking_papers: copies.length,
    first_marking_papers_per_s_per_core: Math.round(firstPerCpuS),
    first_marking_papers_per_s_wall: Math.round((copies.length * 1000) / firstWallMs),
    json_roundtrips_per_s_per_core: Math.round(json.perCpuS),
    json_roundtrips_per_s_wall: Math.round(json.perWallS),
    marking_to_json_ratio: round(marking.perCpuS / json.perCpuS, 3),
    pool_questions: pool.length,
    blueprint_cells: blueprint.cells.length,
    assembly_runs: args.runs,
    assembly_ms_p50: round(percentile(assemblyMs, 50), 3),
    assembly_ms_p99: round(percentile(assemblyMs, 99), 3),
    assembly_ms_max: round(Math.max(...assemblyMs), 3),
    assembly_prepared_ms_p50: round(percentile(preparedMs, 50), 3),
    assembly_prepared_ms_p99: round(percentile(preparedMs, 99), 3),
    ...(http ?? {
      answer_save_p99_ms: null,
      burst_marked_p99_ms: null,
      bullmq_noop_jobs_per_s: null,
      lost_answers: null,
      not_measured: '--no-http: the HTTP / BullMQ half was not run',
    }),
    load_average_at_start: loadAtStart,
    machine: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    date: new Date().toISOString(),
  };
  if (scoreSum < 0) throw new Error('unreachable');
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${path.relative(process.cwd(), args.out)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
