import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../shared/errors';

/** Where evidence bytes live. Local disk by default; an S3 store implements the same port. */
export interface EvidenceStore {
  put(bytes: Uint8Array): Promise<{ sha256: string; key: string }>;
  /** Returns the bytes only if they still hash to `sha256` (tamper-evident evidence). */
  get(key: string, sha256: string): Promise<Buffer>;
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Content-addressed files under `dir/evidence/ab/abcdef…`, written atomically. */
export function createDiskEvidenceStore(dir: string): EvidenceStore {
  return {
    async put(bytes) {
      const sha256 = sha256Of(bytes);
      const key = `evidence/${sha256.slice(0, 2)}/${sha256}`;
      const file = path.join(dir, key);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, bytes, { mode: 0o600 });
      await rename(tmp, file);
      return { sha256, key };
    },
    async get(key, sha256) {
      const bytes = await readFile(path.join(dir, key)).catch(() => {
        throw new AppError('NOT_FOUND');
      });
      if (sha256Of(bytes) !== sha256)
        throw new AppError('INTERNAL', {
          message: { zh: '证据文件校验失败', en: 'Evidence file failed its integrity check' },
        });
      return bytes;
    },
  };
}

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** JPEG or PNG by their magic bytes (the declared content type is not trusted). */
export function sniffImage(bytes: Uint8Array): 'image/jpeg' | 'image/png' {
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length > 8 &&
    Buffer.from(bytes.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  throw new AppError('INVALID_IMAGE');
}
