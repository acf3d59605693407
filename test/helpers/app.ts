import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '@seafarer/config';
import type { Clock } from '@seafarer/core';
import { createClient, type Client } from '@seafarer/sdk';
import { buildApp, type App } from '../../services/api/src/app';

export interface TestApp {
  app: App;
  config: Config;
  baseUrl: string;
  client: Client;
  close(): Promise<void>;
}

/** The real API on a real port, against the throwaway database and the real Redis. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestApp> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-storage-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ...overrides,
  });
  const app = await buildApp({
    config,
    ...(opts.clock && { clock: opts.clock }),
    rateLimitNamespace: `rl:test:${randomBytes(6).toString('hex')}:`,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return { app, config, baseUrl, client: createClient({ baseUrl }), close: () => app.close() };
}
