import { hash, verify } from '@node-rs/argon2';
import type { LocalizedText } from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { checkPasswordStrength } from './password-policy';

// argon2id with the library's defaults (19 MiB, t=2, p=1): OWASP's recommended minimum.
export const hashPassword = (plain: string) => hash(plain);
export const verifyPassword = (stored: string, plain: string) => verify(stored, plain).catch(() => false);

// Verified against when the username is unknown, so both paths cost the same time.
let dummyHash: Promise<string> | undefined;
export const burnPasswordCheck = async (plain: string) => {
  dummyHash ??= hash('not-a-real-password-Xy1!');
  await verifyPassword(await dummyHash, plain);
};

export function assertStrongPassword(password: string, username: string): void {
  const problems: LocalizedText[] = checkPasswordStrength(password, username);
  if (problems.length > 0) throw new AppError('WEAK_PASSWORD', { details: { problems } });
}
