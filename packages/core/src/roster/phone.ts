import { problem, type Problem } from './problem';

export type PhoneResult = { ok: true; normalized: string } | { ok: false; problem: Problem<'PHONE_FORMAT'> };

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * A mainland China mobile number, stored as its 11 digits. People write the same number as
 * "+86 138-1234-5678", "0086 13812345678" or with full-width digits; all of those are accepted so that
 * one person is one phone number (duplicate detection depends on it).
 */
export function validateMobilePhone(value: string): PhoneResult {
  let digits = value.normalize('NFKC').replace(/[\s-]+/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  // A bare 86 is the country code only when 11 digits follow; no mobile number starts with 86.
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (!MOBILE.test(digits))
    return {
      ok: false,
      problem: problem(
        'PHONE_FORMAT',
        '手机号码应为 11 位、以 13–19 开头的中国大陆手机号',
        'Enter an 11-digit mainland China mobile number starting with 13–19',
      ),
    };
  return { ok: true, normalized: digits };
}
