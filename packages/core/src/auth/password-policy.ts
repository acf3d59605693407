import type { LocalizedText } from '@seafarer/contracts';

// A short list of passwords that pass the character-class rules but are still guessed first.
const COMMON = [
  'password123!',
  'p@ssw0rd1234',
  'qwerty123456!',
  'admin@123456',
  'abc123456789!',
  'welcome@2026',
];

/** TM-3: strong-password policy. Returns the broken rules; empty means acceptable. */
export function checkPasswordStrength(password: string, username: string): LocalizedText[] {
  const problems: LocalizedText[] = [];
  if (password.length < 12) problems.push({ zh: '至少 12 个字符', en: 'At least 12 characters' });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3)
    problems.push({
      zh: '须包含小写字母、大写字母、数字、符号中的至少三类',
      en: 'Use at least three of: lower-case, upper-case, digits, symbols',
    });
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    problems.push({ zh: '不得包含用户名', en: 'Must not contain the username' });
  if (/(.)\1{3,}/.test(password))
    problems.push({ zh: '不得有 4 个以上连续相同字符', en: 'No character repeated 4+ times in a row' });
  if (COMMON.includes(password.toLowerCase())) problems.push({ zh: '过于常见', en: 'Too common' });
  return problems;
}
