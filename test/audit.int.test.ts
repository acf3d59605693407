import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, type World } from './helpers/world';

const run = promisify(execFile);
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
});
afterAll(() => t.close());

/** Runs the real `npm run audit:verify` against the test database. */
async function auditVerifyCli(): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'audit:verify'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: t.config.DATABASE_URL },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('tamper-evident audit trail', () => {
  it('[QM-1] every write leaves an audit event with who, what and when', async () => {
    const before = (await w.as.admin.institutions.auditEvents(w.institutionId)).items.length;
    const licence = await w.as.admin.institutions.createLicence(w.institutionId, {
      number: `AUD-${w.code}`,
      issuedOn: '2025-01-01',
      expiresOn: '2029-12-31',
    });
    const events = (await w.as.admin.institutions.auditEvents(w.institutionId)).items;
    expect(events.length).toBe(before + 1);
    const me = await w.as.admin.auth.me();
    expect(events[0]).toMatchObject({
      action: 'licence.created',
      targetId: licence.id,
      actorAccountId: me.accountId,
      institutionId: w.institutionId,
    });
    expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('[QM-1] a refused write leaves neither the change nor an audit event', async () => {
    const before = (await w.as.admin.institutions.auditEvents(w.institutionId)).items.length;
    const dup = await w.as.admin.raw('POST', `/api/v1/institutions/${w.institutionId}/licences`, {
      body: { number: `AUD-${w.code}`, issuedOn: '2025-01-01', expiresOn: '2029-12-31' },
    });
    expect(dup.status).toBe(409);
    expect((await w.as.admin.institutions.auditEvents(w.institutionId)).items.length).toBe(before);
  });

  it('[QM-1] the database refuses to update or delete audit rows', async () => {
    const pg = new Client({ connectionString: t.config.DATABASE_URL });
    await pg.connect();
    try {
      await expect(pg.query(`update audit_events set action = 'x' where seq = 1`)).rejects.toThrow(
        /append-only/,
      );
      await expect(pg.query(`delete from audit_events where seq = 1`)).rejects.toThrow(/append-only/);
    } finally {
      await pg.end();
    }
  });

  it('[QM-1] npm run audit:verify passes an intact chain and names the first row altered directly in SQL', async () => {
    const intact = await auditVerifyCli();
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout.split('\n')[0]!)).toMatchObject({ ok: true, firstBrokenSeq: null });

    // Someone with database superuser rights bypasses the append-only trigger and edits one row.
    const target = (
      await w.as.admin.institutions.auditEvents(w.institutionId, { action: 'staff.created', limit: 1 })
    ).items[0]!;
    const pg = new Client({ connectionString: t.config.DATABASE_URL });
    await pg.connect();
    try {
      await pg.query('begin');
      await pg.query('alter table audit_events disable trigger audit_events_no_update_delete');
      await pg.query(
        `update audit_events set data = data || '{"roles": ["institution_admin"], "edited": true}' where seq = $1`,
        [target.seq],
      );
      await pg.query('alter table audit_events enable trigger audit_events_no_update_delete');
      await pg.query('commit');
    } finally {
      await pg.end();
    }
    const tampered = await auditVerifyCli();
    expect(tampered.code).toBe(2);
    expect(JSON.parse(tampered.stdout.split('\n')[0]!)).toMatchObject({
      ok: false,
      firstBrokenSeq: target.seq,
      reason: 'content_altered',
    });
    expect(tampered.stderr).toContain(`seq ${target.seq}`);
    // The officer's view over HTTP says the same.
    expect(await w.as.officer.audit.verify()).toMatchObject({ ok: false, firstBrokenSeq: target.seq });
  });
});
