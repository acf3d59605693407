import { meetsTeachingStandard, teachingYears } from './instructor-rules';

describe('instructor teaching standard', () => {
  it('[JS-9] three completed years meet the standard, a day short does not', () => {
    expect(meetsTeachingStandard('2023-06-15', '2026-06-15')).toBe(true);
    expect(meetsTeachingStandard('2023-06-16', '2026-06-15')).toBe(false);
    expect(meetsTeachingStandard(null, '2026-06-15')).toBe(false);
    expect(teachingYears('2020-01-01', '2026-06-15')).toBe(6);
  });
});
