import { createPiiCipher, maskIdNumber, maskPhone } from './pii';

const cipher = createPiiCipher('ab'.repeat(32));

describe('PII at rest', () => {
  it('[SEC-3] encrypts with a fresh IV each time and decrypts back', () => {
    const a = cipher.encrypt('13812345678');
    const b = cipher.encrypt('13812345678');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('13812345678');
    expect(cipher.decrypt(a)).toBe('13812345678');
  });
  it('[SEC-3] refuses a tampered envelope', () => {
    const sealed = cipher.encrypt('320102199001011234');
    const parts = sealed.split('.');
    parts[3] = Buffer.from(
      'X' + Buffer.from(parts[3]!, 'base64url').toString('latin1').slice(1),
      'latin1',
    ).toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });
  it('[SEC-3] masks phones and ID numbers for lists', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber('320102199001011234')).toBe('3201**********1234');
  });
});
