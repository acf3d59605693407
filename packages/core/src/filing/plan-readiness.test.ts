import { planFilingDeadlineView } from './filing-deadline';
import { planFilingProblems, planHours } from './plan-readiness';
import { sessionInstant } from './filing-deadline';

const session = (date: string, start: string, end: string) => ({
  date,
  start,
  end,
  topic: '个人安全',
  instructorAccountId: 'i1',
});
const plan = {
  sessions: [session('2026-03-10', '08:30', '12:30'), session('2026-03-11', '08:30', '12:00')],
  firstSessionDate: '2026-03-10',
  scale: 30,
  syllabusHours: 8,
  licensedScale: 40,
};

describe('a draft plan and its filing', () => {
  it('[JS-10] the hours are counted in minutes against the syllabus, with the shortfall', () => {
    expect(planHours(plan.sessions, 8)).toEqual({
      scheduledMinutes: 450,
      syllabusMinutes: 480,
      shortfallMinutes: 30,
    });
    expect(planHours(plan.sessions, 7.5)).toMatchObject({ shortfallMinutes: 0 });
  });

  it('[JS-10] [JS-11.1] [JS-6] every rule the filing would apply is listed, deadline first', () => {
    const onTime = sessionInstant('2026-03-07', '23:59');
    expect(planFilingProblems(plan, onTime).map((p) => p.code)).toEqual(['PRECONDITION_FAILED']);
    const late = sessionInstant('2026-03-08', '00:00');
    const problems = planFilingProblems({ ...plan, scale: 41 }, late);
    expect(problems.map((p) => p.code)).toEqual([
      'DEADLINE_PASSED',
      'PRECONDITION_FAILED',
      'CAPACITY_EXCEEDED',
    ]);
    expect(problems[1]!.zh).toContain('尚差 30 分钟');
    expect(problems[1]!.details).toMatchObject({ syllabusHours: 8, shortByMinutes: 30 });
    const full = { ...plan, sessions: [...plan.sessions, session('2026-03-12', '08:30', '09:00')] };
    expect(planFilingProblems(full, onTime)).toEqual([]);
  });

  it('[JS-11.1] the deadline view counts China days left and stops applying once filed', () => {
    const at = sessionInstant('2026-03-05', '23:30');
    expect(planFilingDeadlineView('2026-03-10', at, 'draft')).toEqual({
      firstSessionDate: '2026-03-10',
      lastFilingDate: '2026-03-07',
      daysLeft: 2,
      applies: true,
    });
    expect(
      planFilingDeadlineView('2026-03-10', sessionInstant('2026-03-08', '00:00'), 'draft').daysLeft,
    ).toBe(-1);
    for (const status of ['filed', 'confirmed', 'superseded'])
      expect(planFilingDeadlineView('2026-03-10', at, status).applies).toBe(false);
    expect(planFilingDeadlineView('2026-03-10', at, 'rejected').applies).toBe(true);
  });
});
