import { loadConfig } from '@seafarer/config';
import { runMigrations } from './migrate';

runMigrations(loadConfig().DATABASE_URL).then(
  () => console.log('migrations applied'),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
