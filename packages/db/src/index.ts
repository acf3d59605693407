export * from './client';
export * as schema from './schema';
export * from './schema';
export { runMigrations, ensureDatabase, dropDatabase, MIGRATIONS_DIR } from './migrate';
