import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const IsoDate = Type.String({ format: 'date', description: 'Calendar date YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const NonEmpty = (max = 200) => Type.String({ minLength: 1, maxLength: max });

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
