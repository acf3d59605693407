import { pgTable, bigserial, uuid, text, timestamp, jsonb, index } from 'drizzle-orm/pg-core';

/**
 * QM-1: append-only, hash-chained. Each row's `hash` covers its content and the previous row's hash,
 * so an edit or a deletion anywhere breaks the chain from that row on.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actorAccountId: uuid('actor_account_id'),
    actorRoles: text('actor_roles').array().notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    institutionId: uuid('institution_id'),
    jurisdictionId: uuid('jurisdiction_id'),
    requestId: text('request_id'),
    data: jsonb('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_institution_idx').on(t.institutionId, t.seq),
    index('audit_events_target_idx').on(t.targetType, t.targetId),
  ],
);
