import { validateMobilePhone } from './phone';

describe('validateMobilePhone', () => {
  it.each([
    '13812345678',
    '+86 138 1234 5678',
    '+8613812345678',
    '8613812345678',
    '0086-138-1234-5678',
    '138-1234-5678',
    '１３８１２３４５６７８',
    '19912345678',
  ])('[JS-15] %s is the mobile number 1xx…', (value) => {
    expect(validateMobilePhone(value)).toMatchObject({
      ok: true,
      normalized: expect.stringMatching(/^1\d{10}$/),
    });
  });

  it('[JS-15] strips the country code and separators to the 11 digits', () => {
    expect(validateMobilePhone('+86 138-1234-5678')).toEqual({ ok: true, normalized: '13812345678' });
  });

  it.each([
    '',
    '1381234567',
    '138123456789',
    '12812345678',
    '02512345678',
    '+1 4155550100',
    '13812345abc',
    '86138123456',
  ])('[JS-15] %s is PHONE_FORMAT', (value) => {
    const result = validateMobilePhone(value);
    expect(result).toMatchObject({ ok: false, problem: { code: 'PHONE_FORMAT' } });
    if (!result.ok) {
      expect(result.problem.zh).toMatch(/手机号码/);
      expect(result.problem.en).toMatch(/mobile/);
    }
  });
});
