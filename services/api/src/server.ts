import { loadConfig } from '@seafarer/config';
import { runMigrations } from '@seafarer/db';
import { installProcessPolicy } from '@seafarer/queue';
import { buildApp } from './app';

async function main() {
  const config = loadConfig();
  await runMigrations(config.DATABASE_URL);
  const app = await buildApp({ config });
  // REL-1: an error nobody handled is logged (with the request log's redaction) and counted in
  // /healthz; the API keeps serving.
  installProcessPolicy(app.log);
  const close = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .catch((err: unknown) => app.log.error({ err }, 'shutdown did not finish cleanly'))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => close('SIGINT'));
  process.once('SIGTERM', () => close('SIGTERM'));
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
