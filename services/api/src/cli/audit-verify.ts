import { loadConfig } from '@seafarer/config';
import { createDb } from '@seafarer/db';
import { verifyAuditChain } from '@seafarer/core';

/**
 * `npm run audit:verify`: walks the whole audit chain and names the first row that does not verify.
 * Exit code 0 = intact, 2 = tampered, 1 = could not check.
 */
async function main() {
  const { DATABASE_URL } = loadConfig();
  const handle = createDb(DATABASE_URL, { max: 1, applicationName: 'seafarer-audit-verify' });
  try {
    const result = await verifyAuditChain(handle.db);
    console.log(JSON.stringify(result));
    if (result.ok) console.log(`审计链完整 / audit chain intact: ${result.checked} events verified`);
    else
      console.error(
        `审计链被篡改 / audit chain TAMPERED at seq ${result.firstBrokenSeq} (${result.reason}); ${result.checked} events before it verify`,
      );
    process.exitCode = result.ok ? 0 : 2;
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
