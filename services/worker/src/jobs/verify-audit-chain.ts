import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

/** QM-1: verifies the audit hash chain on a schedule, so tampering is noticed without anyone asking. */
export async function verifyAuditChainJob(
  core: Core,
  payload: JobPayloads['audit.verify-chain'],
  log: Logger,
) {
  const result = await core.audit.verify();
  if (result.ok)
    log.info({ checked: result.checked, scheduledFor: payload.scheduledFor }, 'audit chain intact');
  else log.error({ ...result }, 'AUDIT CHAIN TAMPERED');
  return result;
}
