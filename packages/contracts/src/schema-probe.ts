/**
 * For the SEC-2 sweeps (tests only; not exported from the package's index): a valid sample of a TypeBox
 * schema with every optional field filled in, the places in it where a bad value can go (its string and
 * integer leaves and record keys), and the bad values to try there.
 */
export type ProbeSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, ProbeSchema>;
  patternProperties?: Record<string, ProbeSchema>;
  items?: ProbeSchema;
  anyOf?: ProbeSchema[];
};

export interface Leaf {
  /** JSON pointer into the sample (a record key's leaf points at the sample key: `k`, or a sample id where keys are ids). */
  pointer: string;
  kind: 'string' | 'integer' | 'key';
  schema: ProbeSchema;
}

/** Valid values for the patterned strings of the live contracts (ids), tried in order. */
const PATTERN_SAMPLES = ['x', '00000000-0000-4000-8000-000000000000', 'A'];

/** The smallest valid number of a numeric schema (0 where it declares no bound). */
const lowest = (s: ProbeSchema) =>
  (s.minimum as number | undefined) ??
  (typeof s.exclusiveMinimum === 'number' ? Math.floor(s.exclusiveMinimum) + 1 : 0);

/** A value valid for `s`, its leaves pushed to `leaves`. */
export function sampleOf(s: ProbeSchema, leaves: Leaf[], pointer = ''): unknown {
  if (s.anyOf) {
    if (s.anyOf.every((b) => b.const !== undefined)) return s.anyOf[0]!.const;
    return sampleOf(
      s.anyOf.find((b) => b.type !== 'null')!,
      leaves,
      pointer,
    );
  }
  if (s.const !== undefined) return s.const;
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {}))
        out[k] = sampleOf(sub, leaves, `${pointer}/${k}`);
      for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
        const re = new RegExp(pattern, 'u');
        const key = ['k', ...PATTERN_SAMPLES].find((x) => re.test(x)) ?? 'k';
        leaves.push({ pointer: `${pointer}/${key}`, kind: 'key', schema: s });
        out[key] = sampleOf(sub, leaves, `${pointer}/${key}`);
      }
      return out;
    }
    case 'array':
      return [sampleOf(s.items!, leaves, `${pointer}/0`)];
    case 'string': {
      leaves.push({ pointer, kind: 'string', schema: s });
      const min = (s.minLength as number | undefined) ?? 1;
      if (typeof s.pattern !== 'string') return 'x'.repeat(min);
      const re = new RegExp(s.pattern, 'u');
      return PATTERN_SAMPLES.find((x) => re.test(x) && x.length >= min) ?? 'x'.repeat(min);
    }
    case 'integer':
      leaves.push({ pointer, kind: 'integer', schema: s });
      return lowest(s);
    case 'number':
      return lowest(s);
    case 'boolean':
      return true;
    default:
      return {};
  }
}

/** A copy of `base` with `value` at the leaf (for a record key's leaf: `value` as the key there). */
export function replacedAt(base: unknown, leaf: Leaf, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = leaf.pointer.slice(1).split('/');
  let o: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (leaf.kind === 'key') {
    o[value as string] = o[last];
    delete o[last];
  } else o[last] = value;
  return copy;
}

/** Strings PostgreSQL cannot store as sent: NUL, and unpaired halves of a surrogate pair. */
export const UNSTORABLE_STRINGS = ['\u0000', 'ab\u0000cd', '\uD800', 'x\uDC00', '\uDC00\uD800'];

/** Integers just outside the leaf's bounds (int4 where it declares none), a huge one and a fraction. */
export const outOfRangeIntegers = (s: ProbeSchema) => [
  ((s.maximum as number | undefined) ?? 2147483647) + 1,
  ((s.minimum as number | undefined) ?? -2147483648) - 1,
  1e20,
  1.5,
];
