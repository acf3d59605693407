import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * SEC-3: ID numbers and phones are encrypted at rest (AES-256-GCM, random IV) and found by a keyed
 * hash, so a database dump alone reveals neither.
 */
export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  lookupHash(plain: string): string;
}

export function createPiiCipher(hexKey: string): PiiCipher {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32) throw new Error('PII key must be 32 bytes (64 hex characters)');
  const hashKey = createHmac('sha256', key).update('lookup-hash').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown PII envelope');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    lookupHash(plain) {
      return createHmac('sha256', hashKey).update(plain.trim().toUpperCase()).digest('hex');
    },
  };
}

/** 13812345678 -> 138****5678; 320102199001011234 -> 3201**********1234. */
export function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}
export const maskPhone = (phone: string) => maskMiddle(phone, 3, 4);
export const maskIdNumber = (id: string) => maskMiddle(id, 4, 4);
