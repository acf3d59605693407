import { checkPasswordStrength } from './password-policy';

describe('password policy', () => {
  it('[TM-3] refuses short, single-class, username-bearing and repeated passwords', () => {
    expect(checkPasswordStrength('Short1!', 'li')).not.toHaveLength(0);
    expect(checkPasswordStrength('alllowercaseletters', 'li')).not.toHaveLength(0);
    expect(checkPasswordStrength('Zhangsan-2026-ok', 'zhangsan')).not.toHaveLength(0);
    expect(checkPasswordStrength('Aaaaa-2026-bcd', 'li')).not.toHaveLength(0);
  });
  it('[TM-3] accepts a long mixed password', () => {
    expect(checkPasswordStrength('Harbour-Pilot-2026', 'li')).toEqual([]);
  });
});
