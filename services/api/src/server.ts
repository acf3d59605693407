import { loadConfig } from '@seafarer/config';
import { runMigrations } from '@seafarer/db';
import { buildApp } from './app';

async function main() {
  const config = loadConfig();
  await runMigrations(config.DATABASE_URL);
  const app = await buildApp({ config });
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
