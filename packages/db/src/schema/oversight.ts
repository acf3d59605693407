import { pgTable, uuid, text, timestamp, date, jsonb, index } from 'drizzle-orm/pg-core';
import { classes } from './classes';
import { institutions, jurisdictions } from './institution';
import { accounts } from './people';

/**
 * JS-17 / QM-4: what the authority records of an institution: an inspection finding (defect, 缺陷), a
 * complaint (投诉) or an exam-discipline violation (考试违纪). A finding may carry a rectification
 * deadline; the institution answers with a correction, which the officer accepts or not. Overdue items
 * are flagged by a job. Seed 004 3.1–3.3 count them per institution.
 */
export const oversightItems = pgTable(
  'oversight_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    classId: uuid('class_id').references(() => classes.id),
    /** finding | complaint | exam_violation */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    detail: text('detail').notNull(),
    /** The day it happened or was found (China date), which the 3-year scoring window counts. */
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    /** A finding's rectification deadline (China date); null when none was set. */
    deadline: date('deadline', { mode: 'string' }),
    /** open | correction_submitted | accepted | closed */
    status: text('status').notNull(),
    /** Set by the overdue job the first time the deadline passed without an accepted correction. */
    overdueAt: timestamp('overdue_at', { withTimezone: true, precision: 3 }),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('oversight_items_institution_idx').on(t.institutionId, t.occurredOn),
    index('oversight_items_jurisdiction_idx').on(t.jurisdictionId, t.status),
    index('oversight_items_deadline_idx').on(t.status, t.deadline),
  ],
);

/** The institution's correction (整改) of one item, with its evidence, and the officer's decision. */
export const oversightCorrections = pgTable(
  'oversight_corrections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => oversightItems.id),
    text: text('text').notNull(),
    /** Evidence file ids (content-addressed, like identity evidence). */
    evidenceIds: jsonb('evidence_ids').notNull().default([]),
    submittedBy: uuid('submitted_by')
      .notNull()
      .references(() => accounts.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true, precision: 3 }).notNull(),
    /** accepted | rejected; null until the officer decides. */
    decision: text('decision'),
    decisionNote: text('decision_note'),
    decidedBy: uuid('decided_by').references(() => accounts.id),
    decidedAt: timestamp('decided_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('oversight_corrections_item_idx').on(t.itemId, t.submittedAt)],
);

/**
 * JS-17 / JS-3: the authority's measures against an institution: order correction (责令整改) with a
 * deadline, suspend (暂停) or revoke (撤销) its online-training qualification, or restore it. The
 * institution's `online_qualification` follows the latest measure; the rows are the history.
 */
export const sanctions = pgTable(
  'sanctions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    /** order_correction | suspend | revoke | restore */
    kind: text('kind').notNull(),
    reason: text('reason').notNull(),
    deadline: date('deadline', { mode: 'string' }),
    itemId: uuid('item_id').references(() => oversightItems.id),
    issuedBy: uuid('issued_by')
      .notNull()
      .references(() => accounts.id),
    issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('sanctions_institution_idx').on(t.institutionId, t.issuedAt)],
);
