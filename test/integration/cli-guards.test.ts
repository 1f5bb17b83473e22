import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { spawnCli } from '../support/compiled-cli.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// Small guards, each a regression of the issue that found it: what the CLI refuses before it
// writes anything, and what it prints.

async function schemaExists(url: string): Promise<boolean> {
  const db = createDb(url, 1);
  try {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name = 'pancake'`.execute(db);
    return (rows[0]?.n ?? 0) > 0;
  } finally {
    await db.destroy();
  }
}

describe('the CLI refuses before writing', () => {
  let h: SyncHarness;
  let empty: TestDatabase;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 91, pages: 1, conversationsPerPage: 5, historyDays: 10 }, 'guards');
    empty = await createTestDatabase('guards_empty');
  });
  afterAll(async () => {
    await empty?.drop();
    await h?.close();
  });

  const refusals: Array<{ name: string; args: string[]; says: RegExp }> = [
    { name: 'an impossible date (--since 2026-02-30)', args: ['--since', '2026-02-30'], says: /--since is 2026-02-30: 2026-02-30 is not a day of the calendar/ },
    { name: 'an implausible --since before 2015', args: ['--since', '1900-01-01'], says: /--since is 1900-01-01, before 2015.*check the year/ },
    { name: 'a --pages id with characters no id has ("1;drop")', args: ['--pages', '1;drop'], says: /--pages must be page ids separated by commas.*; "1;drop" is not a page id/ },
    { name: 'a --pages id with a slash or a quote', args: ['--pages', "web_123,a/b'"], says: /"a\/b'" is not a page id/ },
  ];
  for (const c of refusals) {
    it(`${c.name}: exit 2 with the reason, no request, not even the schema created`, async () => {
      h.sim.clearRequests();
      const result = await runCli(['sync', ...c.args], simulatorEnv(h.sim, empty.url));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(c.says);
      expect(h.sim.requests).toHaveLength(0);
      expect(await schemaExists(empty.url)).toBe(false);
    });
  }

  it('an opaque page id such as web_123 is accepted (and reported as not readable, not as malformed)', async () => {
    const result = await runCli(['sync', '--pages', 'web_123', '--streams', 'tags'], simulatorEnv(h.sim, h.database.url));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/page web_123 is not among the pages this token can read/);
  });

  it('regression: --dry-run on an empty database plans from an empty state and creates nothing, migrations and roles included', async () => {
    const result = await runCli(['sync', '--dry-run', '--streams', 'conversations,tags'], simulatorEnv(h.sim, empty.url));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/conversations/);
    expect(result.stdout).toContain('nothing was written');
    expect(await schemaExists(empty.url)).toBe(false);
    const db = createDb(empty.url, 1);
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${readerRoleName(new URL(empty.url).pathname.slice(1))}`.execute(db);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('regression: a DATABASE_URL password in the query string is masked in the error', async () => {
    const result = await runCli(['status'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/warehouse?password=hunter2secret&sslmode=disable' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot connect to the database postgres:\/\/nobody@127\.0\.0\.1:9\/warehouse\?password=\*\*\*/);
    expect(result.stderr + result.stdout).not.toContain('hunter2secret');
  });

  it('regression: `status | head` closing the pipe early ends status quietly (no EPIPE crash)', async () => {
    await h.sync({ streams: ['tags', 'page_users'] });
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawnCli(['status'], { DATABASE_URL: h.database.url });
      child.stdout!.destroy(); // the reader is gone before the first line
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('a database user without CREATE', () => {
  let database: TestDatabase;
  let user: string;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase('nocreate');
    user = `nocreate_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${user} login password 'pw'`);
    await admin.end();
    const u = new URL(database.url);
    u.username = user;
    u.password = 'pw';
    url = u.toString();
  });
  afterAll(async () => {
    await database?.drop();
    const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
    await admin.connect();
    for (const role of [`${user}_bi`, user, readerRoleName(new URL(database.url).pathname.slice(1))]) await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it('regression: migrate exits 2 with the GRANT to run; after it, migrate works', async () => {
    const refused = await runCli(['migrate'], { DATABASE_URL: url });
    expect(refused.code).toBe(2);
    const name = new URL(database.url).pathname.slice(1);
    expect(refused.stderr).toContain(`GRANT CREATE ON DATABASE ${name} TO ${user};`);
    expect(refused.stderr).toMatch(/then run `pancake-sync migrate` again/);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`GRANT CREATE ON DATABASE ${name} TO ${user}`);
    await admin.end();
    const granted = await runCli(['migrate'], { DATABASE_URL: url });
    expect(granted.code, granted.stderr).toBe(0);

    // Nor may it create roles: migrate says which one an administrator creates, and grants it next time.
    const role = readerRoleName(name);
    expect(granted.stdout).toContain(`ask an administrator to run \`create role ${role} nologin;\`, then run migrate again`);
    const admin2 = new pg.Client({ connectionString: database.url });
    await admin2.connect();
    await admin2.query(`create role ${role} nologin; create role ${user}_bi login password 'pw' in role ${role}`);
    await admin2.end();
    const again = await runCli(['migrate'], { DATABASE_URL: url });
    expect(again.stdout).toContain(`Read-only role of this database, for BI logins: ${role}`);
    const bi = new pg.Client({ connectionString: Object.assign(new URL(url), { username: `${user}_bi` }).toString() });
    await bi.connect();
    await bi.query('select * from pancake.pages');
    await bi.end();
  });
});
