import { Type, type Static, type StringOptions, type TSchema } from '@sinclair/typebox';

/**
 * SEC-2: text PostgreSQL can store. A UTF-8 database holds no NUL (U+0000: refused in `text` and in
 * `jsonb` alike) and no half of a surrogate pair (node-postgres would store U+FFFD in its place, so
 * what was stored would not be what was sent). Written to mean the same with the regex `u` flag (Ajv)
 * and without it (TypeBox's compiler, used by the live service): any character but NUL and a
 * surrogate, or a high surrogate followed by a low one.
 */
export const STORABLE_TEXT_PATTERN = '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';
const STORABLE_TEXT = new RegExp(STORABLE_TEXT_PATTERN);
/** True when `s` holds neither NUL nor an unpaired surrogate. */
export const isStorableText = (s: string): boolean => STORABLE_TEXT.test(s);

/**
 * Free text of a request: every string field a caller fills in uses this (or a whitelist `pattern` /
 * `format` of its own), so NUL and unpaired surrogates are refused (VALIDATION) before anything runs.
 */
export const Text = (opts: Omit<StringOptions, 'pattern'> = {}) =>
  Type.String({ ...opts, pattern: STORABLE_TEXT_PATTERN });

/** What an `integer` column (int4) holds; request integers are bounded by these or tighter. */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

/** The canonical form only: `format: 'uuid'` alone also takes `urn:uuid:…`, which PostgreSQL refuses. */
export const Uuid = Type.String({
  format: 'uuid',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
/** Years 1000-9999 (PostgreSQL has no year 0; `format` checks month and day). */
export const IsoDate = Type.String({
  format: 'date',
  pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$',
  description: 'Calendar date YYYY-MM-DD',
});
export const IsoDateTime = Type.String({ format: 'date-time' });
export const NonEmpty = (max = 200) => Text({ minLength: 1, maxLength: max });

export const ROLES = [
  'platform_admin',
  'institution_admin',
  'class_manager',
  'instructor',
  'trainee',
  'maritime_officer',
] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** Strict object: unknown fields are refused rather than silently dropped. */
export const Strict = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false });

export const ListOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

export const IdParams = <K extends string>(...keys: K[]) =>
  Strict(Object.fromEntries(keys.map((k) => [k, Uuid])) as Record<K, typeof Uuid>);

export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;
