import { BUILT_IN_SECRETS, loadConfig } from '@seafarer/config';
import { createDb, runMigrations } from '@seafarer/db';
import { createPiiCipher, rekeyPii } from '@seafarer/core';

/**
 * `node --import tsx services/api/src/cli/rekey-pii.ts --from-built-in`: re-encrypts ID numbers and phones
 * stored under the built-in test PII key with this installation's PII_KEY (SEC-3). The start command runs
 * it once, when it has just generated the installation's secrets, so a checkout that ran before keeps
 * its data readable. Idempotent. Exit code 0 = done, 1 = could not run.
 */
async function main() {
  if (!process.argv.includes('--from-built-in')) throw new Error('usage: rekey-pii.ts --from-built-in');
  const config = loadConfig();
  await runMigrations(config.DATABASE_URL);
  const handle = createDb(config.DATABASE_URL, { max: 1, applicationName: 'seafarer-rekey-pii' });
  try {
    const r = await rekeyPii(
      handle.db,
      createPiiCipher(BUILT_IN_SECRETS.PII_KEY),
      createPiiCipher(config.PII_KEY),
    );
    if (r.rekeyed > 0 || r.unreadable > 0)
      console.error(
        `个人信息重新加密 PII re-encrypted with this installation's key: ${r.rekeyed} values` +
          (r.unreadable > 0 ? `; ${r.unreadable} values neither key opens were left as they are` : ''),
      );
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
