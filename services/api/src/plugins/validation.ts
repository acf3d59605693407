import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { INT4_MAX, INT4_MIN, isStorableText, STORABLE_TEXT_PATTERN } from '@seafarer/contracts';

/** The rule name a refused NUL or unpaired surrogate is reported under (details[].rule). */
export const STORABLE_TEXT_RULE = 'storableText';
const STORABLE_TEXT_MESSAGE = 'must not contain NUL (U+0000) or an unpaired surrogate';

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SCHEMAS = ['items', 'additionalProperties', 'additionalItems', 'not', 'if', 'then', 'else', 'contains'];

/**
 * SEC-2: an `integer` of a request schema without a bound of its own is bounded by what an `integer`
 * column (int4) holds, so a forgotten `maximum` is a coded refusal, not PostgreSQL's "out of range".
 * Returns `schema` itself when nothing needed a bound (the common case: contracts bound every integer).
 */
function boundIntegers(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  const set = (k: string, v: unknown) => ((out ??= { ...s })[k] = v);
  for (const k of SCHEMA_MAPS) {
    const m = s[k];
    if (!m || typeof m !== 'object') continue;
    const entries = Object.entries(m).map(([name, sub]) => [name, boundIntegers(sub)] as const);
    if (entries.some(([name, sub]) => sub !== (m as Record<string, unknown>)[name]))
      set(k, Object.fromEntries(entries));
  }
  for (const k of SCHEMA_LISTS) {
    const l = s[k];
    if (!Array.isArray(l)) continue;
    const items = l.map(boundIntegers);
    if (items.some((x, i) => x !== l[i])) set(k, items);
  }
  for (const k of SCHEMAS) {
    const v = s[k];
    if (Array.isArray(v)) {
      const items = v.map(boundIntegers);
      if (items.some((x, i) => x !== v[i])) set(k, items);
    } else {
      const b = boundIntegers(v);
      if (b !== v) set(k, b);
    }
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('integer')) {
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) set('maximum', INT4_MAX);
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) set('minimum', INT4_MIN);
  }
  return out ?? schema;
}

/** JSON Pointer of one step below `path`. */
const child = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The first string in `data` (a value or a property name, at any depth) that PostgreSQL could not
 * store as sent: NUL, or half of a surrogate pair. Catches what no schema names (an `unknown` field,
 * a record's keys), whatever a route's schema says.
 */
function firstUnstorable(data: unknown, path = ''): string | null {
  if (typeof data === 'string') return isStorableText(data) ? null : path || '/';
  if (!data || typeof data !== 'object') return null;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = firstUnstorable(data[i], child(path, i));
      if (found) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(data)) {
    if (!isStorableText(k)) return child(path, k);
    const found = firstUnstorable(v, child(path, k));
    if (found) return found;
  }
  return null;
}

/** Ajv's report of a storable-text `pattern`, in the words of the rule it stands for. */
function explain(e: ErrorObject): ErrorObject {
  return e.keyword === 'pattern' && (e.params as { pattern?: string }).pattern === STORABLE_TEXT_PATTERN
    ? { ...e, keyword: STORABLE_TEXT_RULE, message: STORABLE_TEXT_MESSAGE, params: {} }
    : e;
}

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The schema's own check, then SEC-2's storable-text check on everything that passed it: a string
 * with NUL or an unpaired surrogate anywhere in a body, path or query is refused (VALIDATION, with
 * the field's path), so nothing PostgreSQL cannot store ever reaches a handler.
 */
function withStorableText(validate: ValidateFunction): Validator {
  const run: Validator = (data) => {
    if (!validate(data)) {
      run.errors = (validate.errors ?? []).map(explain);
      return false;
    }
    const at = firstUnstorable(data);
    if (at) {
      run.errors = [
        {
          instancePath: at === '/' ? '' : at,
          schemaPath: '#',
          keyword: STORABLE_TEXT_RULE,
          message: STORABLE_TEXT_MESSAGE,
          params: {},
        },
      ];
      return false;
    }
    run.errors = null;
    return true;
  };
  return run;
}

/**
 * Bodies are validated strictly (SEC-2): no type coercion, unknown fields refused, never silently
 * dropped. Path and query strings arrive as text, so there numbers and booleans are coerced. Every
 * part is then checked for text PostgreSQL cannot store, and every integer is bounded (see above).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const common = { allErrors: false, useDefaults: true, removeAdditional: false as const, strict: false };
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...common, coerceTypes: true }));
  return ({ schema, httpPart }) =>
    withStorableText((httpPart === 'body' ? bodyAjv : textAjv).compile(boundIntegers(schema) as object));
}
