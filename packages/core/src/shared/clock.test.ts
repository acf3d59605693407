import { calendarDaysBetween, completedYears, shanghaiDate } from './clock';

describe('China-time calendar helpers', () => {
  it('counts the Shanghai date, not the UTC date', () => {
    expect(shanghaiDate(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(shanghaiDate(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
  });
  it('counts calendar days and completed years', () => {
    expect(calendarDaysBetween('2026-02-27', '2026-03-02')).toBe(3);
    expect(completedYears('2023-05-10', '2026-05-09')).toBe(2);
    expect(completedYears('2023-05-10', '2026-05-10')).toBe(3);
  });
});
