import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { Pool, types } from 'pg';
import * as schema from './schema';

// BIGINT (int8) as JS number: our bigints are sequence numbers far below 2^53.
types.setTypeParser(20, (v) => Number(v));

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;
export type Tx = PgTransaction<NodePgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repositories accept either, so a use-case decides the transaction boundary. */
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  pool: Pool;
  close(): Promise<void>;
}

export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): DbHandle {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'seafarer',
  });
  // REL-1: a connection that breaks while checked out (PostgreSQL restarted, a proxy reset it) makes pg
  // reject the client's queries AND emit 'error' on the client, which pg-pool listens to only while the
  // client is idle: unheard, the emit throws and ends the process. The queries' rejections carry the
  // error to the use-case (SERVICE_UNAVAILABLE); the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
