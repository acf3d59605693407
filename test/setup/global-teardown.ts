/** Drops the throwaway database unless KEEP_TEST_DB is set (for looking at it after a failure). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DB || !process.env.DATABASE_URL) return;
  const { dropDatabase } = await import('@seafarer/db');
  await dropDatabase(process.env.DATABASE_URL);
}
