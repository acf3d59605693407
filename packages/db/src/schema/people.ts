import {
  pgTable,
  uuid,
  text,
  timestamp,
  date,
  integer,
  boolean,
  jsonb,
  uniqueIndex,
  index,
  primaryKey,
} from 'drizzle-orm/pg-core';
import { institutions, jurisdictions, trainingItems } from './institution';

/**
 * A natural person. Identity numbers and phones are stored encrypted (AES-256-GCM, SEC-3);
 * `idNumberHash` is a keyed hash used to find duplicates without decrypting.
 */
export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id').references(() => institutions.id),
    displayName: text('display_name').notNull(),
    idType: text('id_type'),
    idNumberEnc: text('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    phoneEnc: text('phone_enc'),
    /** For outbound notification e-mail (optional). */
    email: text('email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('people_institution_idx').on(t.institutionId),
    index('people_id_hash_idx').on(t.idNumberHash),
  ],
);

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().notNull(),
    institutionId: uuid('institution_id').references(() => institutions.id),
    jurisdictionId: uuid('jurisdiction_id').references(() => jurisdictions.id),
    /** active | disabled */
    status: text('status').notNull().default('active'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_username_uq').on(t.username),
    index('accounts_institution_idx').on(t.institutionId),
  ],
);

/** JS-9: teaching record of an instructor (teaching-since date and certificates). */
export const instructorQualifications = pgTable('instructor_qualifications', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => accounts.id),
  teachingSince: date('teaching_since', { mode: 'string' }).notNull(),
  certificates: jsonb('certificates').notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Instructors approved to teach a training item; an override records who accepted a short teaching record and why. */
export const itemInstructors = pgTable(
  'item_instructors',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => trainingItems.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    overrideReason: text('override_reason'),
    assignedBy: uuid('assigned_by')
      .notNull()
      .references(() => accounts.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.accountId] })],
);
