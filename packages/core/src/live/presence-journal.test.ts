import { createPresenceJournal, type PresenceEntry } from './presence-journal';

const quiet = { warn: () => undefined, error: () => undefined, info: () => undefined };
const event = (accountId: string, name: string, at: number) => ({
  classId: 'c',
  sessionId: 's',
  accountId,
  role: 'trainee',
  event: name,
  at: new Date(at),
});

describe('presence journal', () => {
  it('[JS-8] a write that fails is retried with the same ids and timestamps, in order, until stored', async () => {
    const stored = new Map<string, PresenceEntry>();
    const order: string[] = [];
    let down = 3;
    let n = 0;
    const journal = createPresenceJournal({
      log: quiet,
      retryMs: 5,
      newId: () => `e${++n}`,
      async write(batch) {
        if (down-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        for (const e of batch)
          if (!stored.has(e.id)) {
            stored.set(e.id, e);
            order.push(`${e.accountId}:${e.event}`);
          }
      },
    });
    journal.append(event('a', 'join', 1000));
    journal.append(event('a', 'camera.on', 2000));
    journal.append(event('b', 'join', 3000));
    journal.append(event('a', 'camera.off', 4000));
    expect(await journal.flush(2000)).toBe(true);
    expect(order).toEqual(['a:join', 'a:camera.on', 'b:join', 'a:camera.off']);
    expect([...stored.values()].map((e) => e.at.getTime())).toEqual([1000, 2000, 3000, 4000]);
    expect(journal.pending).toBe(0);
  });

  it('[JS-8] a batch that landed but was reported failed is not stored twice (ids are idempotent)', async () => {
    const rows = new Set<string>();
    let calls = 0;
    const journal = createPresenceJournal({
      log: quiet,
      retryMs: 5,
      async write(batch) {
        for (const e of batch) rows.add(e.id);
        if (++calls === 1) throw new Error('Connection terminated unexpectedly');
      },
    });
    journal.append(event('a', 'join', 1));
    journal.append(event('a', 'leave', 2));
    expect(await journal.flush(2000)).toBe(true);
    expect(rows.size).toBe(2);
    expect(calls).toBe(2);
  });

  it('flush answers false while the database stays away, keeps the events, and stores them when it returns', async () => {
    let up = false;
    const got: string[] = [];
    const journal = createPresenceJournal({
      log: quiet,
      retryMs: 5,
      maxRetryMs: 10,
      async write(batch) {
        if (!up) throw new Error('connect ECONNREFUSED');
        got.push(...batch.map((e) => e.event));
      },
    });
    journal.append(event('a', 'join', 1));
    expect(await journal.flush(50)).toBe(false);
    expect(journal.pending).toBe(1);
    up = true;
    expect(await journal.flush(2000)).toBe(true);
    expect(got).toEqual(['join']);
    await journal.close();
  });
});
