import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILT_IN_SECRETS, ConfigError, loadConfig } from '@seafarer/config';
import { createAccessTokens, createPiiCipher, signingKeys, systemClock } from '@seafarer/core';
import { createDb, people } from '@seafarer/db';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from './helpers/app';
import { randomBytes } from 'node:crypto';
import { platformAdmin } from './helpers/world';

/**
 * SEC-3: the start command gives an installation its own secrets on first start (random, in a 0600 file
 * git ignores, reused after); the built-in ones, published in the source, are for test runs only.
 */
const ROOT = path.resolve(__dirname, '..');

/** Runs the start command's `ensure_secrets` (infra/scripts/lib.sh) with `env`; returns what it exported. */
function ensureSecrets(dataDir: string, env: Record<string, string> = {}) {
  const out = execFileSync(
    'bash',
    [
      '-c',
      'source infra/scripts/lib.sh && ensure_secrets && printf "%s\\n%s\\n%s\\n%s" "$JWT_SECRET" "$PII_KEY" "$SECRETS_FILE" "$SECRETS_NEW"',
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, SEAFARER_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
  const [jwt, pii, file, fresh] = out.split('\n');
  return { jwt: jwt!, pii: pii!, file: file!, fresh: fresh === '1' };
}

describe('[SEC-3] secrets of its own', () => {
  test('[SEC-3] the first start generates random secrets into .data/secrets.env (mode 0600, git-ignored) and every later start reuses them', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-'));
    const first = ensureSecrets(dir);
    expect(first.fresh).toBe(true);
    expect(first.file).toBe(path.join(dir, 'secrets.env'));
    expect(first.jwt).toMatch(/^[0-9a-f]{64}$/);
    expect(first.pii).toMatch(/^[0-9a-f]{64}$/);
    expect(first.jwt).not.toBe(first.pii);
    expect([first.jwt, first.pii]).not.toContain(BUILT_IN_SECRETS.JWT_SECRET);
    expect(first.pii).not.toBe(BUILT_IN_SECRETS.PII_KEY);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const again = ensureSecrets(dir);
    expect(again).toEqual({ ...first, fresh: false });
    // Another installation gets other secrets.
    const other = ensureSecrets(mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-')));
    expect(other.jwt).not.toBe(first.jwt);
    expect(other.pii).not.toBe(first.pii);
    // Secrets set by the operator win; the file is not needed then.
    const given = ensureSecrets(mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-')), {
      JWT_SECRET: 'o'.repeat(40),
      PII_KEY: 'ab'.repeat(32),
    });
    expect(given).toMatchObject({ jwt: 'o'.repeat(40), pii: 'ab'.repeat(32), fresh: false });

    // The checkout's .data/ (where the start command keeps it) is never committed.
    const ignored = spawnSync('git', ['check-ignore', '-q', '.data/secrets.env'], { cwd: ROOT });
    expect(ignored.status).toBe(0);
  });

  test('[SEC-3] outside a test run the built-in secrets are refused, and a secrets file supplies them', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-'));
    const env = { NODE_ENV: 'development', SECRETS_FILE: path.join(dir, 'secrets.env') };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/JWT_SECRET and PII_KEY are the built-in test value/);
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(/built-in test value/);
    expect(() =>
      loadConfig({ ...env, JWT_SECRET: BUILT_IN_SECRETS.JWT_SECRET, PII_KEY: 'cd'.repeat(32) }),
    ).toThrow(/JWT_SECRET is the built-in test value/);
    const made = ensureSecrets(dir);
    const config = loadConfig(env);
    expect(config.JWT_SECRET).toBe(made.jwt);
    expect(config.PII_KEY).toBe(made.pii);
    // A test run keeps to the built-in ones, whatever a start command left in the checkout.
    expect(loadConfig({ ...env, NODE_ENV: 'test' }).JWT_SECRET).toBe(BUILT_IN_SECRETS.JWT_SECRET);
  });

  describe('an API started with its own secrets', () => {
    let t: TestApp;
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-'));
      ensureSecrets(dir);
      t = await startTestApp({
        NODE_ENV: 'development',
        JWT_SECRET: '',
        PII_KEY: '',
        SECRETS_FILE: path.join(dir, 'secrets.env'),
      });
    });
    afterAll(() => t.close());

    test('[SEC-3] refuses an access token signed with the published built-in secret, even one valid for ten years', async () => {
      expect(t.config.JWT_SECRET).not.toBe(BUILT_IN_SECRETS.JWT_SECRET);
      const admin = await platformAdmin(t);
      const token = admin.token!;
      const real = await fetch(`${t.baseUrl}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(real.status).toBe(200);
      // The same claims as this real token of a live session, signed with the built-in key.
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
        sub: string;
        sid: string;
      };
      const forged = createAccessTokens(
        signingKeys(BUILT_IN_SECRETS.JWT_SECRET).accessToken,
        10 * 365 * 86_400,
        systemClock,
      ).sign({ sub: claims.sub, sid: claims.sid }).token;
      const res = await fetch(`${t.baseUrl}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('TOKEN_INVALID');
    });
  });

  test('[SEC-3] data stored under the built-in PII key is re-encrypted with the installation key on its first start (rekey-pii)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-secrets-'));
    const made = ensureSecrets(dir);
    const builtIn = createPiiCipher(BUILT_IN_SECRETS.PII_KEY);
    const own = createPiiCipher(made.pii);
    const idNumber = '320102199001011234';
    const name = `rekey-${randomBytes(4).toString('hex')}`;
    const handle = createDb(process.env.DATABASE_URL!, { max: 1 });
    return (async () => {
      try {
        const [row] = await handle.db
          .insert(people)
          .values({
            displayName: name,
            idType: 'resident_id',
            idNumberEnc: builtIn.encrypt(idNumber),
            idNumberHash: builtIn.lookupHash(idNumber),
            phoneEnc: builtIn.encrypt('13812345678'),
          })
          .returning();
        const run = () =>
          spawnSync(
            process.execPath,
            ['--import', 'tsx', 'services/api/src/cli/rekey-pii.ts', '--from-built-in'],
            {
              cwd: ROOT,
              env: {
                PATH: process.env.PATH!,
                DATABASE_URL: process.env.DATABASE_URL!,
                NODE_ENV: 'development',
                SECRETS_FILE: made.file,
              },
              encoding: 'utf8',
            },
          );
        const first = run();
        expect(first.status).toBe(0);
        const after = (await handle.db.select().from(people).where(eq(people.id, row!.id)))[0]!;
        expect(own.decrypt(after.idNumberEnc!)).toBe(idNumber);
        expect(own.decrypt(after.phoneEnc!)).toBe('13812345678');
        expect(after.idNumberHash).toBe(own.lookupHash(idNumber));
        expect(() => builtIn.decrypt(after.idNumberEnc!)).toThrow();
        // A second run changes nothing.
        expect(run().status).toBe(0);
        const again = (await handle.db.select().from(people).where(eq(people.id, row!.id)))[0]!;
        expect(again.idNumberEnc).toBe(after.idNumberEnc);
        expect(readFileSync(made.file, 'utf8')).toContain(`PII_KEY=${made.pii}`);
      } finally {
        await handle.close();
      }
    })();
  });
});
