import { appendFileSync } from 'node:fs';
import { startTestApp, type TestApp } from './helpers/app';
import { addClassTo, chinaDate, createWorld, type World } from './helpers/world';
import { denseXlsx, handBuiltRosterXlsx, lyingZipBomb, rosterCsv, trainees, wideCsv } from './helpers/roster';

/**
 * SEC-2: a hostile upload cannot exhaust or stall the API. The API runs in this test process (the real
 * HTTP server on a real port), so this process's RSS is the API's memory and a /healthz answered late
 * is the API's event loop blocked.
 */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MB = 1024 * 1024;

/** Where the figures go for the closing note, when asked (SEC2_FIGURES=/path). */
const figure = (line: string) => {
  if (process.env.SEC2_FIGURES) appendFileSync(process.env.SEC2_FIGURES, `${line}\n`);
};

const uploader = (w: World) => (classId: string, body: string | Buffer, type: string) =>
  w.as.manager.raw('POST', `/api/v1/classes/${classId}/roster/import`, {
    rawBody: body as unknown as string,
    headers: { 'content-type': type },
  });
const rosterOf = async (w: World, classId: string) =>
  (
    await w.as.manager.call<{ items: Array<{ idNumberMasked: string }> }>(
      'GET',
      `/api/v1/classes/${classId}/roster`,
    )
  ).items;

let classes = 0;
/** A fresh class (scale 3) of the world, so that every test has room on its roster. */
async function newClass(w: World): Promise<string> {
  return (
    await addClassTo(w, { code: `L${++classes}-${w.code}`, name: '导入限制测试班', firstDate: chinaDate(20) })
  ).id;
}

/** Runs `work` while asking /healthz every ~50 ms; the slowest answer while it ran. */
async function healthzDuring<T>(t: TestApp, work: () => Promise<T>) {
  let done = false;
  const started = Date.now();
  const running = work().finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  // At least a few probes, however quickly the import is answered.
  while (!done || latencies.length < 3) {
    const t0 = performance.now();
    const res = await fetch(`${t.baseUrl}/healthz`);
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    result: await running,
    maxMs: Math.max(...latencies),
    probes: latencies.length,
    importMs: Date.now() - started,
  };
}

type ErrorBody = { code: string; message: { zh: string; en: string }; details?: { reason?: string } };

/** A roster at the size limits: 2 trainees, 20 columns, 9,990 blank lines (blank rows are skipped). */
const slowRoster = () =>
  rosterCsv(trainees(2, 950))
    .split('\r\n')
    .map((line) => line + ',备注'.repeat(12))
    .join('\r\n') +
  '\r\n' +
  Array(9_990).fill(',,,,,,,,,,,,,,,,,,,').join('\r\n');

describe('imports within their limits', () => {
  let t: TestApp;
  let w: World;
  let upload: ReturnType<typeof uploader>;
  let classId: string;
  beforeAll(async () => {
    t = await startTestApp();
    w = await createWorld(t);
    upload = uploader(w);
    classId = await newClass(w);
    // Warm the pool: the first import starts the parse worker; the figures below are the steady state.
    const warm = await upload(classId, rosterCsv(trainees(1, 900)), 'text/csv');
    expect(warm.status).toBe(200);
  });
  afterAll(() => t.close());

  it("[SEC-2] a zip bomb whose sheet lies about its size (claims 1,000 bytes, inflates to 480 MB) is refused quickly, and the API's memory stays flat", async () => {
    const bomb = await lyingZipBomb(480);
    expect(bomb.length).toBeLessThan(MB); // ~490 KB on the wire
    const before = await rosterOf(w, classId);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const { result: res, maxMs } = await healthzDuring(t, () => upload(classId, bomb, XLSX));
    const elapsed = Date.now() - started;
    const rssAfter = process.memoryUsage().rss;
    figure(
      `bomb: ${res.status} ${(res.body as ErrorBody).code} in ${elapsed} ms; rss ${Math.round(rssBefore / MB)} -> ${Math.round(rssAfter / MB)} MB; healthz max ${maxMs.toFixed(0)} ms`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'SPREADSHEET_INVALID',
      message: { zh: expect.any(String), en: expect.any(String) },
    });
    expect(elapsed).toBeLessThan(2000);
    expect(rssAfter - rssBefore).toBeLessThan(100 * MB);
    expect(maxMs).toBeLessThan(200);
    expect(await rosterOf(w, classId)).toEqual(before);
  });

  it('[SEC-2] /healthz answers within 200 ms while a 4.8 MB CSV of 16,000 columns × 150 rows is imported; the file is refused with its reason', async () => {
    const csv = wideCsv(16_000, 150);
    expect(csv.length).toBeGreaterThan(4.5 * MB);
    const {
      result: res,
      maxMs,
      probes,
      importMs,
    } = await healthzDuring(t, () => upload(classId, csv, 'text/csv'));
    figure(
      `wide csv: ${res.status} in ${importMs} ms; healthz max ${maxMs.toFixed(0)} ms over ${probes} probes`,
    );
    expect(maxMs).toBeLessThan(200);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'SPREADSHEET_INVALID', details: { reason: 'TOO_MANY_COLUMNS' } });
  });

  it('[SEC-2] /healthz answers within 200 ms while an XLSX of 9,999 × 200 cells is imported; the file is refused with its reason', async () => {
    const xlsx = await denseXlsx(9_999, 200);
    const {
      result: res,
      maxMs,
      probes,
      importMs,
    } = await healthzDuring(t, () => upload(classId, xlsx, XLSX));
    figure(
      `dense xlsx (${Math.round(xlsx.length / 1024)} KB): ${res.status} in ${importMs} ms; healthz max ${maxMs.toFixed(0)} ms over ${probes} probes`,
    );
    expect(maxMs).toBeLessThan(200);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'SPREADSHEET_INVALID', details: { reason: 'TOO_MANY_CELLS' } });
  });

  it('[SEC-2] good files still import: a workbook built like the bomb but honest, and a roster at the size limits', async () => {
    const res = await upload(classId, handBuiltRosterXlsx(trainees(1, 910)), XLSX);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 1 });
    const other = await newClass(w);
    const limits = await upload(other, slowRoster(), 'text/csv');
    expect(limits.status).toBe(200);
    expect(limits.body).toMatchObject({ imported: 2 });
  });
});

describe('the time budget of an import, and a busy pool', () => {
  let t: TestApp;
  let w: World;
  let upload: ReturnType<typeof uploader>;
  let classId: string;
  beforeAll(async () => {
    // One worker, nobody waiting behind it: a second concurrent import finds the pool full.
    t = await startTestApp({ IMPORT_TIME_LIMIT_MS: '150', IMPORT_WORKERS: '1', IMPORT_QUEUE_LIMIT: '0' });
    w = await createWorld(t);
    upload = uploader(w);
    classId = await newClass(w);
    const warm = await upload(classId, rosterCsv(trainees(1, 960)), 'text/csv');
    expect(warm.status).toBe(200);
  });
  afterAll(() => t.close());

  it('[SEC-2] an import that takes longer than its time budget (150 ms here) is refused as TOO_COMPLEX and changes nothing', async () => {
    const before = await rosterOf(w, classId);
    const { result: res, maxMs } = await healthzDuring(t, () => upload(classId, slowRoster(), 'text/csv'));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'SPREADSHEET_INVALID',
      message: { zh: expect.stringContaining('过于复杂'), en: expect.stringContaining('too complex') },
      details: { reason: 'TOO_COMPLEX' },
    });
    expect(maxMs).toBeLessThan(200);
    expect(await rosterOf(w, classId)).toEqual(before);
  });

  it('[SEC-2] while the pool is busy, one more import is answered at once with a retryable 503 SERVICE_UNAVAILABLE and changes nothing', async () => {
    const before = await rosterOf(w, classId);
    const busy = upload(classId, slowRoster(), 'text/csv');
    await new Promise((resolve) => setTimeout(resolve, 30)); // the slow file reaches the worker first
    const started = Date.now();
    const res = await upload(classId, rosterCsv(trainees(1, 980)), 'text/csv');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryable: true } });
    expect((await busy).status).toBe(400);
    expect(await rosterOf(w, classId)).toEqual(before);
  });
});

it('[SEC-2] closing the API ends its parse workers', async () => {
  const t = await startTestApp();
  expect(await t.app.core.parsePool.run('roster', Buffer.from(rosterCsv(trainees(1))))).toMatchObject({
    ok: true,
  });
  expect(t.app.core.parsePool.stats().workers).toBe(1);
  await t.close();
  expect(t.app.core.parsePool.stats()).toEqual({ workers: 0, busy: 0, queued: 0 });
});
