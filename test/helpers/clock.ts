import type { Clock } from '@seafarer/core';

/** A clock a test can move. Starts at real time; `set` jumps to an instant. */
export function movableClock(): Clock & { set(at: Date | string): void; reset(): void } {
  let at: Date | null = null;
  return {
    now: () => (at ? new Date(at) : new Date()),
    set: (v) => {
      at = new Date(v);
    },
    reset: () => {
      at = null;
    },
  };
}

/** The UTC instant of a China-time date and time ('YYYY-MM-DD', 'HH:MM:SS'). */
export const china = (date: string, time = '00:00:00') => new Date(`${date}T${time}+08:00`);
