import {
  pgTable,
  uuid,
  text,
  timestamp,
  date,
  integer,
  doublePrecision,
  uniqueIndex,
  index,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/** Maritime jurisdictions form a tree (e.g. JS -> JS-NJ); `path` is the dotted list of ancestor codes. */
export const jurisdictions = pgTable(
  'jurisdictions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => jurisdictions.id),
    path: text('path').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('jurisdictions_code_uq').on(t.code), index('jurisdictions_path_idx').on(t.path)],
);

export const institutions = pgTable(
  'institutions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    creditCode: text('credit_code').notNull(),
    jurisdictionId: uuid('jurisdiction_id')
      .notNull()
      .references(() => jurisdictions.id),
    /** qualified | rectification | suspended | revoked | none (JS-3, JS-17). */
    onlineQualification: text('online_qualification').notNull().default('none'),
    qualificationNote: text('qualification_note'),
    qualificationChangedAt: timestamp('qualification_changed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('institutions_credit_code_uq').on(t.creditCode),
    index('institutions_jurisdiction_idx').on(t.jurisdictionId),
  ],
);

export const licences = pgTable(
  'licences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    number: text('number').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }).notNull(),
    /** active | revoked */
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('licences_number_uq').on(t.institutionId, t.number)],
);

export const trainingItems = pgTable(
  'training_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    licenceId: uuid('licence_id')
      .notNull()
      .references(() => licences.id),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** theory | practical (JS-2: practical items never run online). */
    kind: text('kind').notNull(),
    licensedScale: integer('licensed_scale').notNull(),
    syllabusHours: doublePrecision('syllabus_hours').notNull(),
    syllabusVersion: text('syllabus_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('training_items_code_uq').on(t.licenceId, t.code),
    index('training_items_institution_idx').on(t.institutionId),
  ],
);
