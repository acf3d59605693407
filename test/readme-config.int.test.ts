import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readmeWithTable } from '../infra/scripts/config-table';

test("[SEC-3] the README's configuration table is the one packages/config describes (node --import tsx infra/scripts/config-table.ts --write)", () => {
  const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  expect(readme).toBe(readmeWithTable(readme));
});
