import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates a throwaway database on the configured server (DATABASE_URL, else the local default),
 * applies the migrations, and hands its URL to every test worker through the environment.
 */
export default async function globalSetup(): Promise<void> {
  // Loaded lazily so jest's transform applies to the workspace sources.
  const { runMigrations } = await import('@seafarer/db');
  const { loadConfig } = await import('@seafarer/config');
  // The live classroom's tests need the locally built mediasoup worker and the bundled web client.
  const root = path.resolve(__dirname, '../..');
  if (!process.env.MEDIASOUP_WORKER_BIN) {
    const out = execFileSync('bash', [path.join(root, 'infra/mediasoup/build-worker.sh'), '--print-path'], {
      encoding: 'utf8',
    });
    process.env.MEDIASOUP_WORKER_BIN = out.trim().split('\n').pop();
  }
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
  const server = new URL(loadConfig().DATABASE_URL);
  const name = `seafarer_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  server.pathname = `/${name}`;
  process.env.DATABASE_URL = server.toString();
  process.env.NODE_ENV = 'test';
  await runMigrations(process.env.DATABASE_URL);
  const dir = path.resolve(__dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '.test-database'), process.env.DATABASE_URL);
}
