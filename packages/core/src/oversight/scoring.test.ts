import { scoreOversight, score31, score32, score33, threeYearWindow, type ScoringFacts } from './scoring';

const today = '2026-12-03';
const none: ScoringFacts = { today, findings: [], complaints: [], violations: [], stoppages: [] };
const findings = (n: number, on = '2026-06-01') => Array.from({ length: n }, () => ({ occurredOn: on }));

describe('seed 004 item 3 scoring', () => {
  it('[QM-4] the window is the last 3 years, both ends included (29 February falls back to 28)', () => {
    expect(threeYearWindow(today)).toEqual({ from: '2023-12-03', to: today });
    expect(threeYearWindow('2028-02-29')).toEqual({ from: '2025-02-28', to: '2028-02-29' });
  });

  it('[QM-4] 3.1: no defect 4, at most 4 defects 2, more than 4 defects 1, a stoppage 0', () => {
    expect(score31(none).points).toBe(4);
    expect(score31({ ...none, findings: findings(1) }).points).toBe(2);
    expect(score31({ ...none, findings: findings(4) })).toMatchObject({ points: 2, count: 4 });
    expect(score31({ ...none, findings: findings(5) })).toMatchObject({ points: 1, count: 5 });
    expect(score31({ ...none, findings: findings(1), stoppages: ['2025-01-01'] }).points).toBe(0);
    // Older than 3 years: not counted.
    expect(
      score31({ ...none, findings: findings(9, '2023-12-02'), stoppages: ['2023-12-02'] }),
    ).toMatchObject({ points: 4, count: 0 });
    expect(score31({ ...none, findings: findings(1, '2023-12-03') }).count).toBe(1);
    expect(score31(none).rule.zh).toContain('未发现缺陷计4分');
  });

  it('[QM-4] 3.2: −1 a corrected complaint, −2 one not corrected, −4 for two about the same matter, never below 0', () => {
    const c = (status: string, classId: string | null = null) => ({
      occurredOn: '2026-01-05',
      status,
      classId,
    });
    expect(score32(none).points).toBe(4);
    expect(score32({ ...none, complaints: [c('accepted')] }).points).toBe(3);
    expect(score32({ ...none, complaints: [c('open')] }).points).toBe(2);
    expect(score32({ ...none, complaints: [c('accepted'), c('correction_submitted')] }).points).toBe(1);
    expect(score32({ ...none, complaints: [c('open'), c('open'), c('open')] }).points).toBe(0);
    expect(score32({ ...none, complaints: [c('accepted', 'k1'), c('accepted', 'k1')] }).points).toBe(0);
    expect(score32({ ...none, complaints: [c('accepted', 'k1'), c('accepted', 'k2')] }).points).toBe(2);
  });

  it('[QM-4] 3.3: −1 a person-time down to 0; 3 or more in one exam −4', () => {
    const v = (classId: string | null, occurredOn = '2026-03-01') => ({ classId, occurredOn });
    expect(score33(none).points).toBe(4);
    expect(score33({ ...none, violations: [v('a')] }).points).toBe(3);
    expect(score33({ ...none, violations: [v('a'), v('b'), v(null)] }).points).toBe(1);
    expect(score33({ ...none, violations: [v('a'), v('a'), v('a')] }).points).toBe(0);
    expect(score33({ ...none, violations: [v('a'), v('a'), v('a', '2026-03-02')] }).points).toBe(1);
    expect(score33({ ...none, violations: [1, 2, 3, 4, 5].map((i) => v(`c${i}`)) }).points).toBe(0);
  });

  it('[QM-4] the three make 12 points at most', () => {
    expect(scoreOversight(none)).toMatchObject({ points: 12, maxPoints: 12 });
    expect(scoreOversight(none).indicators.map((i) => i.id)).toEqual(['3.1', '3.2', '3.3']);
  });
});
