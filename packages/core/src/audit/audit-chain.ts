import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields the hash covers, in the shape they are stored. */
export interface ChainedFields {
  id: string;
  at: Date;
  actorAccountId: string | null;
  actorRoles: string[];
  action: string;
  targetType: string;
  targetId: string | null;
  institutionId: string | null;
  jurisdictionId: string | null;
  requestId: string | null;
  data: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every depth, so PostgreSQL's jsonb key order does not matter. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(f: ChainedFields): string {
  // Exactly the chained fields: a row read back also carries seq and hash, which must not count.
  const body = canonicalJson({
    id: f.id,
    at: f.at.toISOString(),
    actorAccountId: f.actorAccountId,
    actorRoles: f.actorRoles,
    action: f.action,
    targetType: f.targetType,
    targetId: f.targetId,
    institutionId: f.institutionId,
    jurisdictionId: f.jurisdictionId,
    requestId: f.requestId,
    data: f.data,
  });
  return createHash('sha256').update(f.prevHash).update('\n').update(body).digest('hex');
}

export interface ChainRow extends ChainedFields {
  seq: number;
  hash: string;
}

export type ChainBreak = { seq: number; reason: 'content_altered' | 'link_broken' };

/**
 * Checks a run of rows in sequence order, given the hash the run should link to.
 * Returns the first break, or null with the hash of the last row.
 */
export function checkChainRun(
  rows: ChainRow[],
  expectedPrev: string,
): { broken: ChainBreak | null; last: string } {
  let prev = expectedPrev;
  for (const row of rows) {
    if (row.prevHash !== prev) return { broken: { seq: row.seq, reason: 'link_broken' }, last: prev };
    if (chainHash(row) !== row.hash)
      return { broken: { seq: row.seq, reason: 'content_altered' }, last: prev };
    prev = row.hash;
  }
  return { broken: null, last: prev };
}
