import { parseRosterFile } from '../roster/roster-file';
import { isAppError } from './errors';
import { createParsePool, type ParsePool } from './parse-pool';

const CSV = (rows: string[]) => Buffer.from(['姓名,证件类型,证件号码,手机号,学历', ...rows].join('\r\n'));
const small = CSV(['张三,居民身份证,11010519491231002X,13912345678,高中']);
/** At the dimension caps (10,000 lines × 20 columns): about half a second of exceljs, ~100 MB of heap. */
const heavy = Buffer.from(
  [
    '姓名,证件类型,证件号码,手机号,学历' + ',备注'.repeat(15),
    '张三,居民身份证,11010519491231002X,13912345678,高中' + ','.repeat(15),
    ...Array<string>(9_990).fill(','.repeat(19)),
  ].join('\r\n'),
);

let pools: ParsePool[] = [];
const pool = (settings: Parameters<typeof createParsePool>[0] = {}) => {
  const p = createParsePool(settings);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

describe('the parse pool', () => {
  it('[SEC-2] parses in a worker thread and answers exactly what parseRosterFile answers', async () => {
    const p = pool();
    expect(await p.run('roster', small)).toEqual({ ok: true, value: await parseRosterFile(small) });
    const broken = Buffer.from('PK\x03\x04 not a zip');
    expect(await p.run('roster', broken)).toEqual({ ok: true, value: await parseRosterFile(broken) });
    expect(p.stats()).toMatchObject({ workers: 1, busy: 0, queued: 0 });
  });

  it('[SEC-2] a job over its time budget ends its worker and is answered as limit "time"; the next job gets a new worker', async () => {
    const p = pool();
    await p.run('roster', small); // started and warm
    const started = Date.now();
    expect(await p.run('roster', heavy, { timeoutMs: 20 })).toEqual({ ok: false, limit: 'time' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(p.stats().workers).toBe(0);
    expect(await p.run('roster', small)).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('[SEC-2] a job over the memory budget kills only its worker (limit "memory"); this process and the pool carry on', async () => {
    const p = pool({ memoryMb: 64 });
    expect(await p.run('roster', heavy)).toMatchObject({ ok: false, limit: 'memory' });
    expect(await p.run('roster', small)).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('[SEC-2] a full queue is refused at once as a retryable SERVICE_UNAVAILABLE; queued jobs still run', async () => {
    const p = pool({ workers: 1, queueLimit: 1 });
    await p.run('roster', small);
    const running = p.run('roster', heavy);
    const queued = p.run('roster', small);
    const started = Date.now();
    const refused = await p.run('roster', small).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(isAppError(refused) && refused.code).toBe('SERVICE_UNAVAILABLE');
    expect(isAppError(refused) && refused.retryable).toBe(true);
    expect(await running).toMatchObject({ ok: true });
    expect(await queued).toMatchObject({ ok: true });
  });

  it('[SEC-2] a job waits for a worker no longer than queueWaitMs', async () => {
    const p = pool({ workers: 1, queueWaitMs: 100 });
    await p.run('roster', small);
    const running = p.run('roster', heavy);
    const waited = await p.run('roster', small).catch((e: unknown) => e);
    expect(isAppError(waited) && waited.code).toBe('SERVICE_UNAVAILABLE');
    expect(await running).toMatchObject({ ok: true });
  });

  it('[SEC-2] close ends the workers and refuses what waits', async () => {
    const p = pool({ workers: 1 });
    await p.run('roster', small);
    const running = p.run('roster', heavy).catch((e: unknown) => e);
    const queued = p.run('roster', small).catch((e: unknown) => e);
    await p.close();
    for (const e of [await running, await queued])
      expect(isAppError(e) && e.code).toBe('SERVICE_UNAVAILABLE');
    expect(p.stats()).toEqual({ workers: 0, busy: 0, queued: 0 });
  });
});
