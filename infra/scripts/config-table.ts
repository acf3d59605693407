/**
 * Prints the README's configuration table from packages/config's schema (`--write` puts it into
 * README.md between the table's header and the next section). A unit test keeps the two equal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@seafarer/config';

export function configTable(): string {
  const cell = (v: unknown) => (v === '' || v === undefined ? '(empty)' : `\`${String(v)}\``);
  return [
    '| setting | default | meaning |',
    '|---|---|---|',
    ...describeConfig().map((r) => `| \`${r.name}\` | ${cell(r.default)} | ${r.description} |`),
  ].join('\n');
}

/** README.md with its configuration table replaced by the generated one. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf('| setting | default | meaning |');
  if (start < 0) throw new Error('README.md has no configuration table');
  const end = readme.indexOf('\n\n', start);
  return readme.slice(0, start) + configTable() + readme.slice(end);
}

if (require.main === module) {
  const file = path.resolve(__dirname, '../../README.md');
  if (process.argv.includes('--write')) writeFileSync(file, readmeWithTable(readFileSync(file, 'utf8')));
  else console.log(configTable());
}
