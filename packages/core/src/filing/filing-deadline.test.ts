import { AppError } from '../shared/errors';
import {
  checkPlanFilingDeadline,
  checkRosterFilingDeadline,
  latestPlanFilingDate,
  sessionInstant,
} from './filing-deadline';

const at = (iso: string) => new Date(iso);

describe('plan filing deadline', () => {
  // Class starts 2026-03-10 (China time); the last accepted filing date is 2026-03-07 China time,
  // which runs from 2026-03-06T16:00Z to 2026-03-07T15:59:59.999Z.
  it('[JS-11.1] all of the third China day before the class is accepted, whatever the hour', () => {
    expect(checkPlanFilingDeadline(at('2026-03-06T16:00:00Z'), '2026-03-10')).toEqual({
      ok: true,
      daysAhead: 3,
    });
    expect(checkPlanFilingDeadline(at('2026-03-07T15:59:59.999Z'), '2026-03-10')).toEqual({
      ok: true,
      daysAhead: 3,
    });
    expect(checkPlanFilingDeadline(at('2026-03-06T15:59:59.999Z'), '2026-03-10')).toEqual({
      ok: true,
      daysAhead: 4,
    });
  });

  it('[JS-11.1] 00:00 China time on the second day before (16:00Z the day before in UTC) is refused', () => {
    const r = checkPlanFilingDeadline(at('2026-03-07T16:00:00Z'), '2026-03-10');
    expect(r).toMatchObject({ ok: false, daysAhead: 2, latestFilingDate: '2026-03-07' });
    if (r.ok) throw new Error('expected a refusal');
    expect(r.problem.code).toBe('DEADLINE_PASSED');
    for (const text of [r.problem.zh, r.problem.en]) {
      expect(text).toContain('2026-03-10');
      expect(text).toContain('2026-03-07');
      expect(text).toContain('2026-03-08');
    }
  });

  it('[JS-11.1] days are counted on the China date, not the UTC date', () => {
    // 2026-03-07T17:00Z is still 03-07 in UTC but already 03-08 01:00 in China.
    expect(checkPlanFilingDeadline(at('2026-03-07T17:00:00Z'), '2026-03-10').ok).toBe(false);
  });

  it('[JS-11.1] across a year end: a class starting 2027-01-02 must be filed by 2026-12-30', () => {
    expect(latestPlanFilingDate('2027-01-02')).toBe('2026-12-30');
    expect(checkPlanFilingDeadline(at('2026-12-30T15:59:59.999Z'), '2027-01-02')).toEqual({
      ok: true,
      daysAhead: 3,
    });
    // UTC still says 12-29, China says 12-30 00:30: accepted.
    expect(checkPlanFilingDeadline(at('2026-12-29T16:30:00Z'), '2027-01-02').ok).toBe(true);
    expect(checkPlanFilingDeadline(at('2026-12-30T16:00:00Z'), '2027-01-02')).toMatchObject({
      ok: false,
      daysAhead: 2,
      latestFilingDate: '2026-12-30',
    });
  });

  it('[JS-11.1] across month ends, leap year included', () => {
    expect(latestPlanFilingDate('2026-03-01')).toBe('2026-02-26');
    expect(latestPlanFilingDate('2028-03-02')).toBe('2028-02-28');
    expect(checkPlanFilingDeadline(at('2028-02-28T15:59:59Z'), '2028-03-02').ok).toBe(true);
    expect(checkPlanFilingDeadline(at('2028-02-28T16:00:00Z'), '2028-03-02')).toMatchObject({
      ok: false,
      latestFilingDate: '2028-02-28',
    });
  });

  it('[JS-11.1] filing on or after the start date is refused with a negative or zero lead', () => {
    expect(checkPlanFilingDeadline(at('2026-03-10T02:00:00Z'), '2026-03-10')).toMatchObject({
      ok: false,
      daysAhead: 0,
    });
    expect(checkPlanFilingDeadline(at('2026-03-12T02:00:00Z'), '2026-03-10')).toMatchObject({
      ok: false,
      daysAhead: -2,
    });
  });

  it('[SEC-2] a malformed start date or filing instant is a validation error, not a verdict', () => {
    expect(() => checkPlanFilingDeadline(at('2026-03-01T00:00:00Z'), '2026-02-30')).toThrow(AppError);
    expect(() => checkPlanFilingDeadline(at('2026-03-01T00:00:00Z'), '10/03/2026')).toThrow(AppError);
    expect(() => checkPlanFilingDeadline(new Date(NaN), '2026-03-10')).toThrow(AppError);
  });
});

describe('roster filing deadline', () => {
  const start = sessionInstant('2026-03-10', '09:00'); // 2026-03-10T01:00Z

  it('[JS-11.2] the roster is accepted up to the instant before the first session starts', () => {
    expect(checkRosterFilingDeadline(at('2026-03-10T00:59:59.999Z'), start)).toEqual({ ok: true });
    expect(checkRosterFilingDeadline(at('2026-03-01T00:00:00Z'), start)).toEqual({ ok: true });
  });

  it('[JS-11.2] at or after the start instant it is refused, naming the China start time', () => {
    const r = checkRosterFilingDeadline(at('2026-03-10T01:00:00Z'), start);
    expect(r).toMatchObject({ ok: false, firstSessionStart: '2026-03-10 09:00:00' });
    if (r.ok) throw new Error('expected a refusal');
    expect(r.problem.code).toBe('DEADLINE_PASSED');
    expect(r.problem.zh).toContain('2026-03-10 09:00');
    expect(r.problem.en).toContain('2026-03-10 09:00');
    expect(checkRosterFilingDeadline(at('2026-03-10T03:00:00Z'), start).ok).toBe(false);
  });
});

describe('session instants', () => {
  it('[JS-11.2] a China-time date and time map to the UTC instant eight hours earlier', () => {
    expect(sessionInstant('2026-03-10', '09:00').toISOString()).toBe('2026-03-10T01:00:00.000Z');
    expect(sessionInstant('2026-03-10', '00:00').toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(sessionInstant('2027-01-01', '07:30').toISOString()).toBe('2026-12-31T23:30:00.000Z');
  });

  it('[SEC-2] impossible dates and times are refused', () => {
    expect(() => sessionInstant('2026-02-30', '09:00')).toThrow(AppError);
    expect(() => sessionInstant('2026-03-10', '25:00')).toThrow(AppError);
    expect(() => sessionInstant('2026-03-10', '9:00')).toThrow(AppError);
    expect(() => sessionInstant('2026-03-10', '24:00')).toThrow(AppError);
  });
});
