import { AppError } from '../shared/errors';
import { resolvePeriod } from './period';
import {
  checkRatings,
  objective,
  objectivesOf,
  questionMeans,
  satisfiedCount,
  SPONSOR_QUESTIONS,
  TRAINEE_QUESTIONS,
} from './questionnaire';

const where = { zh: '课程评价', en: 'Course ratings' };

describe('questionnaire and objectives', () => {
  it('[QM-3] an objective gives actual %, the gap in points and met from its counts; no data without answers', () => {
    expect(objective('trainee_satisfaction', 17, 20)).toMatchObject({
      actualPct: 85,
      gapPts: 0,
      met: true,
      status: 'met',
    });
    expect(objective('exam_pass_rate', 2, 3)).toMatchObject({ actualPct: 66.7, gapPts: -13.3, met: false });
    expect(objective('sponsor_satisfaction', 0, 0)).toMatchObject({
      actualPct: null,
      gapPts: null,
      met: null,
      status: 'no_data',
    });
    expect(
      objectivesOf({
        traineeSatisfied: 1,
        traineeAnswers: 1,
        passed: 0,
        marked: 0,
        sponsorSatisfied: 9,
        sponsorAnswers: 10,
      }).map((o) => [o.key, o.targetPct, o.status]),
    ).toEqual([
      ['trainee_satisfaction', 85, 'met'],
      ['exam_pass_rate', 80, 'no_data'],
      ['sponsor_satisfaction', 90, 'met'],
    ]);
  });

  it('[JS-14] ratings: every question once, 1–5, nothing else; satisfied from 4', () => {
    const ok = { content: 4, teaching: 5, platform: 3, overall: 4 };
    expect(checkRatings(ok, TRAINEE_QUESTIONS, where)).toEqual(ok);
    const refused = (r: Record<string, unknown>) => {
      try {
        checkRatings(r, TRAINEE_QUESTIONS, where);
      } catch (e) {
        return e as AppError;
      }
      throw new Error('accepted');
    };
    const missing = refused({ content: 4, teaching: 5, platform: 3 });
    expect(missing.code).toBe('VALIDATION');
    expect(missing.localized.zh).toContain('总体满意度');
    expect(refused({ ...ok, overall: 0 }).details).toMatchObject({ invalid: ['overall'] });
    expect(refused({ ...ok, overall: 4.5 }).code).toBe('VALIDATION');
    expect(refused({ ...ok, mood: 3 }).details).toMatchObject({ unknown: ['mood'] });
    expect(satisfiedCount([{ overall: 3 }, { overall: 4 }, { overall: 5 }])).toBe(2);
    expect(
      questionMeans(
        [
          { overall: 4, relevance: 5 },
          { overall: 5, relevance: 4 },
          { overall: 4, relevance: 4 },
        ],
        SPONSOR_QUESTIONS,
      ).find((q) => q.key === 'overall'),
    ).toMatchObject({ mean: 4.33, count: 3 });
  });

  it('[QM-3] a period in China dates: defaults to the year to date, refuses reversed or impossible dates', () => {
    const now = new Date('2026-12-03T17:00:00Z'); // 2026-12-04 01:00 in China
    expect(resolvePeriod({}, now)).toMatchObject({ from: '2026-01-01', to: '2026-12-04' });
    expect(resolvePeriod({ from: '2026-06-01', to: '2026-06-30' }, now).text.zh).toBe(
      '2026-06-01 至 2026-06-30（北京时间）',
    );
    for (const q of [
      { from: '2026-02-30' },
      { from: '2026-12-05', to: '2026-12-01' },
      { from: '2000-01-01' },
    ])
      expect(() => resolvePeriod(q, now)).toThrow(AppError);
  });
});
