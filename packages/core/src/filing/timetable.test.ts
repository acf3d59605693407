import { AppError } from '../shared/errors';
import {
  checkHoursCoverSyllabus,
  MAX_SESSIONS,
  totalHours,
  validateTimetable,
  type PlanSession,
} from './timetable';

const s = (date: string, start: string, end: string, topic = '船舶消防', instructorAccountId = 'acc-1') => ({
  date,
  start,
  end,
  topic,
  instructorAccountId,
});

describe('timetable validation', () => {
  it('[JS-10] a valid timetable comes back sorted by date then start', () => {
    const r = validateTimetable([
      s('2026-03-11', '09:00', '12:00'),
      s('2026-03-10', '14:00', '17:00'),
      s('2026-03-10', '08:00', '12:00'),
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sessions.map((x) => `${x.date} ${x.start}`)).toEqual([
      '2026-03-10 08:00',
      '2026-03-10 14:00',
      '2026-03-11 09:00',
    ]);
  });

  it('[SEC-2] back-to-back sessions and a session of exactly 12 hours are accepted', () => {
    expect(validateTimetable([s('2026-03-10', '08:00', '10:00'), s('2026-03-10', '10:00', '12:00')]).ok).toBe(
      true,
    );
    expect(validateTimetable([s('2026-03-10', '08:00', '20:00')]).ok).toBe(true);
    expect(validateTimetable([s('2026-03-10', '00:00', '23:59')]).ok).toBe(false);
  });

  it('[SEC-2] overlapping sessions on the same day are reported on the later one, naming the other', () => {
    const r = validateTimetable([
      s('2026-03-10', '11:00', '13:00'),
      s('2026-03-10', '09:00', '12:00'),
      s('2026-03-11', '11:00', '13:00'),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ index: 0, relatedIndex: 1, code: 'VALIDATION' });
    expect(r.problems[0]?.zh).toContain('重叠');
    expect(r.problems[0]?.en).toContain('2026-03-10 09:00–12:00');
  });

  it('[SEC-2] identical sessions overlap; one long session overlapping two others gives two problems', () => {
    const dup = validateTimetable([s('2026-03-10', '09:00', '10:00'), s('2026-03-10', '09:00', '10:00')]);
    expect(dup.ok).toBe(false);
    const r = validateTimetable([
      s('2026-03-10', '08:00', '17:00'),
      s('2026-03-10', '09:00', '10:00'),
      s('2026-03-10', '14:00', '15:00'),
    ]);
    if (r.ok) throw new Error('expected problems');
    expect(r.problems.map((p) => [p.index, p.relatedIndex])).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('[SEC-2] many identical rows give one overlap problem per row, not one per pair', () => {
    const same = Array.from({ length: MAX_SESSIONS }, () => s('2026-03-10', '09:00', '10:00'));
    const r = validateTimetable(same);
    if (r.ok) throw new Error('expected problems');
    expect(r.problems).toHaveLength(MAX_SESSIONS - 1);
    expect(r.problems.every((p) => p.relatedIndex === 0)).toBe(true);
  });

  it('[SEC-2] end before start, 25:00, Feb 30 — every problem is returned with its row', () => {
    const r = validateTimetable([
      s('2026-03-10', '09:00', '12:00'),
      s('2026-03-10', '15:00', '14:00'),
      s('2026-03-11', '25:00', '26:00'),
      s('2026-02-30', '09:00', '10:00'),
      s('2026-03-12', '10:00', '10:00'),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.index)).toEqual([1, 2, 2, 3, 4]);
    expect(r.problems.every((p) => p.code === 'VALIDATION' && p.zh && p.en)).toBe(true);
    expect(r.problems[0]?.en).toContain('ends at 14:00');
    expect(r.problems[1]?.en).toContain('"25:00"');
    expect(r.problems[3]?.zh).toContain('2026-02-30');
  });

  it('[SEC-2] malformed formats, a session over 12 hours, missing topic or instructor are refused', () => {
    const r = validateTimetable([
      s('2026-3-10', '9:00', '10:00'),
      s('2026-03-10', '06:00', '18:01'),
      s('2026-03-11', '09:00', '10:00', '  ', ''),
      null as unknown as PlanSession,
    ]);
    if (r.ok) throw new Error('expected problems');
    expect(r.problems.map((p) => p.index)).toEqual([0, 0, 1, 2, 2, 3]);
    expect(r.problems[2]?.en).toContain('longer than 12 hours');
  });

  it('[SEC-2] an empty or oversized timetable is refused as a whole', () => {
    expect(validateTimetable([])).toEqual({
      ok: false,
      problems: [expect.objectContaining({ index: null, code: 'VALIDATION' })],
    });
    const many = Array.from({ length: MAX_SESSIONS + 1 }, () => s('2026-03-10', '09:00', '10:00'));
    const r = validateTimetable(many);
    if (r.ok) throw new Error('expected a problem');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ index: null });
    expect(r.problems[0]?.en).toContain('501');
  });
});

describe('scheduled hours', () => {
  const plan = [s('2026-03-10', '08:00', '12:00'), s('2026-03-10', '13:30', '15:00')]; // 240 + 90 min

  it('[JS-10] hours are real clock time; the period length is a parameter', () => {
    expect(totalHours(plan)).toBe(5.5);
    expect(totalHours(plan, 45)).toBeCloseTo(330 / 45);
    expect(() => totalHours(plan, 0)).toThrow(AppError);
    expect(() => totalHours([s('2026-03-10', '12:00', '08:00')])).toThrow(AppError);
  });

  it('[JS-10] hours that meet or exceed the syllabus are accepted', () => {
    expect(checkHoursCoverSyllabus(plan, 5.5)).toEqual({ ok: true, plannedHours: 5.5, syllabusHours: 5.5 });
    expect(checkHoursCoverSyllabus(plan, 5).ok).toBe(true);
    expect(checkHoursCoverSyllabus(plan, 7, 45).ok).toBe(true); // 330 min ≥ 7 × 45 = 315
  });

  it('[JS-10] hours short of the syllabus are refused, naming both numbers', () => {
    const r = checkHoursCoverSyllabus(plan, 8);
    expect(r).toMatchObject({ ok: false, plannedHours: 5.5, syllabusHours: 8, shortByMinutes: 150 });
    if (r.ok) return;
    expect(r.problem.code).toBe('PRECONDITION_FAILED');
    expect(r.problem.zh).toBe('计划学时 5.5 少于大纲要求 8 学时（尚差 150 分钟）');
    expect(r.problem.en).toContain('5.5');
    expect(r.problem.en).toContain('8 hours');
  });

  it('[JS-10] short by a fraction of an hour — even one minute — is refused and never shown rounded up', () => {
    const oneMinuteShort = [s('2026-03-10', '08:00', '11:59')]; // 239 min vs 4 h
    const r = checkHoursCoverSyllabus(oneMinuteShort, 4);
    expect(r).toMatchObject({ ok: false, shortByMinutes: 1 });
    if (r.ok) return;
    expect(r.problem.zh).toBe('计划学时 3.98 少于大纲要求 4 学时（尚差 1 分钟）');
    const halfHourShort = checkHoursCoverSyllabus([s('2026-03-10', '08:00', '11:30')], 4);
    expect(halfHourShort).toMatchObject({ ok: false, plannedHours: 3.5, shortByMinutes: 30 });
  });
});
