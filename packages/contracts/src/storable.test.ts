import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import * as contracts from './index';
import { INT4_MAX, INT4_MIN, isStorableText, STORABLE_TEXT_PATTERN } from './common';
import { LiveRequests } from './live';
import { replacedAt, sampleOf, UNSTORABLE_STRINGS as BAD, type Leaf, type ProbeSchema } from './schema-probe';

describe('storable text (SEC-2)', () => {
  it('[SEC-2] refuses NUL and unpaired surrogates, keeps everything else, with and without the regex u flag', () => {
    for (const flags of ['', 'u']) {
      const re = new RegExp(STORABLE_TEXT_PATTERN, flags);
      for (const ok of [
        '',
        'plain',
        '测试航海学校',
        '收到 😀',
        'tab\tand\nnewline',
        '\uFFFD',
        '\uD83D\uDE00x',
      ])
        expect(`${flags}:${JSON.stringify(ok)}:${re.test(ok)}`).toBe(`${flags}:${JSON.stringify(ok)}:true`);
      for (const bad of BAD)
        expect(`${flags}:${JSON.stringify(bad)}:${re.test(bad)}`).toBe(
          `${flags}:${JSON.stringify(bad)}:false`,
        );
    }
    expect(isStorableText('收到 😀')).toBe(true);
    expect(isStorableText('a\u0000')).toBe(false);
  });

  it("[SEC-2] the live service's validators (TypeCompiler of each socket request) refuse NUL and unpaired surrogates in every string field and record key, and bound every integer", () => {
    const failures: string[] = [];
    let tried = 0;
    for (const [name, schema] of Object.entries(LiveRequests)) {
      const check = TypeCompiler.Compile(schema as TSchema);
      const leaves: Leaf[] = [];
      const base = sampleOf(schema as unknown as ProbeSchema, leaves);
      if (!check.Check(base)) failures.push(`${name}: the sample ${JSON.stringify(base)} is not valid`);
      for (const leaf of leaves) {
        if (leaf.kind === 'integer') {
          const { minimum, maximum } = leaf.schema as { minimum?: number; maximum?: number };
          if (minimum === undefined || maximum === undefined || minimum < INT4_MIN || maximum > INT4_MAX)
            failures.push(`${name} ${leaf.pointer}: integer bounds [${minimum}, ${maximum}] beyond int4`);
          continue;
        }
        for (const bad of BAD) {
          tried++;
          const value = replacedAt(base, leaf, bad);
          if (check.Check(value)) failures.push(`${name} ${leaf.pointer}: accepted ${JSON.stringify(bad)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(80);
  });

  it('[SEC-2] every free-text string of a request contract is storable text (a whitelist pattern, a format or a literal otherwise)', () => {
    const requests = Object.entries(contracts).filter(
      ([name, v]) =>
        /(Body|Params|Query)$/.test(name) &&
        name !== 'ErrorBody' && // an answer, not a request
        typeof v === 'object' &&
        v !== null &&
        'type' in v,
    );
    expect(requests.length).toBeGreaterThanOrEqual(20);
    const failures: string[] = [];
    for (const [name, schema] of requests) {
      const leaves: Leaf[] = [];
      sampleOf(schema as unknown as ProbeSchema, leaves);
      for (const leaf of leaves.filter((l) => l.kind === 'string')) {
        const s = leaf.schema as { pattern?: string; format?: string };
        if (s.format) continue; // uuid, date, date-time, email: whitelists of their own (the API checks them)
        if (!s.pattern)
          failures.push(`${name} ${leaf.pointer}: free text without STORABLE_TEXT_PATTERN (use Text)`);
        else if (BAD.some((b) => new RegExp(s.pattern!, 'u').test(b)))
          failures.push(`${name} ${leaf.pointer}: pattern ${s.pattern} lets NUL or a lone surrogate through`);
      }
    }
    expect(failures).toEqual([]);
  });
});
