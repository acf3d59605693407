import { problem, type Problem } from './problem';

/** The identity documents a trainee may be enrolled with. */
export const ID_TYPES = [
  'resident_id',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent_residence',
] as const;
export type IdType = (typeof ID_TYPES)[number];

export type IdProblemCode = 'ID_FORMAT' | 'ID_CHECK_DIGIT' | 'ID_BIRTH_DATE' | 'ID_REGION';
export type IdProblem = Problem<IdProblemCode>;

export type ResidentIdResult =
  { ok: true; normalized: string; birthDate: string; sex: 'M' | 'F' } | { ok: false; problem: IdProblem };

/** Only resident identity numbers carry a birth date and sex that can be read back. */
export type IdNumberResult =
  { ok: true; normalized: string; birthDate?: string; sex?: 'M' | 'F' } | { ok: false; problem: IdProblem };

// GB 11643-1999 / ISO 7064 MOD 11-2: weight i is 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

// First two digits of GB/T 2260 region codes; 71 Taiwan, 81 Hong Kong, 82 Macao on residence permits and
// 83 on Taiwan residents' residence permits (台湾居民居住证, issued since 2018).
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
]);

const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * The GB 11643 check character for the first 17 digits. Throws on anything but 17 digits: callers pass
 * data they have already shape-checked, so a wrong argument is a programming error.
 */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('computeCheckDigit expects exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? '';
}

/**
 * Full-width digits and letters (typed with a Chinese IME) become ASCII, spaces go, x becomes X:
 * none of these changes the meaning of a document number.
 */
export const normalizeIdNumber = (value: string) => value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/** Is `ymd` (YYYY-MM-DD) a day that exists in the Gregorian calendar? */
function isRealDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/**
 * Checks a resident identity number (居民身份证号码, GB 11643-1999) against `today` (YYYY-MM-DD).
 * Meaning is checked before the check character: a mistyped date digit usually breaks both, and
 * "the birth date is impossible" tells the user where to look.
 */
export function validateResidentIdNumber(value: string, today: string): ResidentIdResult {
  // String comparison with a malformed `today` would silently pass every birth date.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError('today must be YYYY-MM-DD');
  const id = normalizeIdNumber(value);
  if (/^\d{15}$/.test(id))
    return {
      ok: false,
      problem: problem(
        'ID_FORMAT',
        '15 位的第一代身份证号码已停止使用，请填写 18 位居民身份证号码',
        'First-generation 15-digit ID numbers are no longer valid; enter the 18-character number',
      ),
    };
  if (!/^\d{17}[\dX]$/.test(id))
    return {
      ok: false,
      problem: problem(
        'ID_FORMAT',
        '居民身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X',
        'A resident ID number has 18 characters: 17 digits, then a digit or X',
      ),
    };

  const province = id.slice(0, 2);
  if (!PROVINCE_CODES.has(Number(province)))
    return {
      ok: false,
      problem: problem(
        'ID_REGION',
        `号码前两位“${province}”不是有效的省级行政区划代码`,
        `The first two digits "${province}" are not a valid province code`,
      ),
    };

  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const dateProblem = !isRealDate(birthDate)
    ? { zh: `号码中的出生日期 ${birthDate} 不是有效日期`, en: `The birth date ${birthDate} does not exist` }
    : birthDate > today
      ? { zh: `号码中的出生日期 ${birthDate} 晚于今天`, en: `The birth date ${birthDate} is in the future` }
      : birthDate < EARLIEST_BIRTH_DATE
        ? {
            zh: `号码中的出生日期 ${birthDate} 早于 1900 年`,
            en: `The birth date ${birthDate} is before 1900`,
          }
        : null;
  if (dateProblem) return { ok: false, problem: problem('ID_BIRTH_DATE', dateProblem.zh, dateProblem.en) };

  // The expected character is deliberately not shown: "fixing" only the last character of a number
  // with a typo elsewhere would turn it into somebody else's valid number.
  if (computeCheckDigit(id.slice(0, 17)) !== id[17])
    return {
      ok: false,
      problem: problem(
        'ID_CHECK_DIGIT',
        '身份证号码校验位不正确，请逐位核对（常见原因：抄错一位或相邻两位颠倒）',
        'The check character does not match; compare the number digit by digit (usually one wrong or two swapped digits)',
      ),
    };

  return { ok: true, normalized: id, birthDate, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/**
 * Basic shape only for documents other than the resident ID: their numbering is not published as a
 * standard with a check character, and foreign passports vary by country, so a stricter rule would
 * turn away genuine trainees. The issuing authority's own check is the real verification.
 */
const OTHER_PATTERNS: Record<Exclude<IdType, 'resident_id'>, { re: RegExp; zh: string; en: string }> = {
  passport: {
    re: /^[A-Z0-9]{5,20}$/,
    zh: '护照号码应为 5–20 位字母或数字',
    en: 'A passport number has 5–20 letters or digits',
  },
  // H (Hong Kong) or M (Macao) and 8 digits; older cards add a 2-digit issue count.
  hk_macao_permit: {
    re: /^[HM]\d{8}(\d{2})?$/,
    zh: '港澳居民来往内地通行证号码应为 H 或 M 加 8 位数字（旧版另加 2 位换证次数）',
    en: 'A Hong Kong/Macao permit number is H or M and 8 digits (older cards add 2 more)',
  },
  // 8 digits since 2015; older booklets add a 2-digit issue count.
  taiwan_permit: {
    re: /^\d{8}(\d{2})?$/,
    zh: '台湾居民来往大陆通行证号码应为 8 位数字（旧版为 10 位）',
    en: 'A Taiwan permit number has 8 digits (10 on older booklets)',
  },
  // 2004/2017 cards: 3-letter nationality code and 12 digits; 2023 cards: 18 characters starting with 9.
  foreign_permanent_residence: {
    re: /^([A-Z]{3}\d{12}|9\d{16}[\dX])$/,
    zh: '外国人永久居留身份证号码应为 3 位字母加 12 位数字，或以 9 开头的 18 位号码',
    en: 'A foreign permanent residence ID is 3 letters and 12 digits, or 18 characters starting with 9',
  },
};

/** Checks a document number for its type; see OTHER_PATTERNS for how little non-resident types get. */
export function validateIdNumber(idType: IdType, value: string, today: string): IdNumberResult {
  if (idType === 'resident_id') return validateResidentIdNumber(value, today);
  const id = normalizeIdNumber(value);
  const rule = OTHER_PATTERNS[idType];
  if (!rule.re.test(id)) return { ok: false, problem: problem('ID_FORMAT', rule.zh, rule.en) };
  return { ok: true, normalized: id };
}
