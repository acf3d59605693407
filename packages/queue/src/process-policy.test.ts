import { EventEmitter } from 'node:events';
import { installProcessPolicy, processErrorCounts } from './process-policy';

function recorder() {
  const lines: Array<{ level: string; obj: { err?: Error }; msg: string }> = [];
  return {
    lines,
    log: {
      error: (obj: object, msg: string) => lines.push({ level: 'error', obj, msg }),
      fatal: (obj: object, msg: string) => lines.push({ level: 'fatal', obj, msg }),
    },
  };
}

describe('process policy', () => {
  it('[REL-1] an unhandled rejection is logged at error level with its error and counted; nothing exits', () => {
    const proc = new EventEmitter();
    const { lines, log } = recorder();
    const exits: number[] = [];
    const before = processErrorCounts();
    const off = installProcessPolicy(log, { proc, exit: (c) => exits.push(c) });
    proc.emit('unhandledRejection', new Error('a room could not save its recording'));
    proc.emit('unhandledRejection', 'a bare string');
    off();
    expect(processErrorCounts().unhandledRejections).toBe(before.unhandledRejections + 2);
    expect(processErrorCounts().unhandledErrors).toBe(before.unhandledErrors + 2);
    expect(lines.map((l) => l.level)).toEqual(['error', 'error']);
    expect(lines[0]!.obj.err!.message).toBe('a room could not save its recording');
    expect(lines[1]!.obj.err!.message).toContain('a bare string');
    expect(exits).toEqual([]);
  });

  it('[REL-1] an uncaught exception is survived; a storm of them (20 within a minute) exits with 1', () => {
    const proc = new EventEmitter();
    const { lines, log } = recorder();
    const exits: number[] = [];
    let t = 0;
    const off = installProcessPolicy(log, { proc, exit: (c) => exits.push(c), now: () => t });
    proc.emit('uncaughtException', new Error('one'));
    t += 61_000; // the first one is out of the window
    for (let i = 0; i < 19; i++) proc.emit('uncaughtException', new Error(`again ${i}`));
    expect(exits).toEqual([]);
    proc.emit('uncaughtException', new Error('the 20th within a minute'));
    off();
    expect(exits).toEqual([1]);
    expect(lines.at(-1)!.level).toBe('fatal');
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(20);
  });
});
