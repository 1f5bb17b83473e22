import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/harness.js';

// Every SQL statement of pancake-sync is written under src/warehouse/ (the run log's, the queue's
// and the workers' in src/warehouse/runs/, one operation per file); the other layers call it by
// name. A file elsewhere may open a connection (graphile-worker needs a pool, a worker its liveness
// session) and import kysely's types, but writes no SQL: no query builder, no `sql` tag, no text
// sent with `.query(…)`, no string that is a statement. graphile-worker's private tables are named
// in one file only, the one that must write them (refresh-job-locks.ts, with its own schema test).

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The kinds of SQL a text writes, each with the first place it shows. */
function sqlIn(text: string): string[] {
  const found: string[] = [];
  const forms: Array<[string, RegExp]> = [
    ['a kysely value import', /^import\s+(?!type\b)[^;]*from\s+'kysely'/m],
    ['a query builder', /\b(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom|replaceInto|mergeInto)\(/],
    ['the sql tag', /\bsql`|\bsql\.(raw|ref|table|id|lit|join|val)\(/],
    ['a statement sent with .query', /\.query\s*(<[^>]*>)?\s*\(/],
    // A string that opens with a statement is one (`create role …` is left out: messages show it to
    // an administrator, as advice).
    ['a statement in a string', /['"`]\s*(select\s[^'"`]*\bfrom\b|select\s+\w+\(|insert\s+into\b|update\s+[\w."${}]+\s+set\b|delete\s+from\b|(create|alter|drop)\s+(table|view|index|schema|function)\b|(begin|commit|rollback)\s*['"`])/i],
  ];
  for (const [name, pattern] of forms) if (pattern.test(text)) found.push(name);
  return found;
}

const SQL_HOME = 'src/warehouse/';

describe('where SQL is written', () => {
  it('tells SQL from code that only connects or talks about it', () => {
    // Among them, the statements src/queue/ sent itself before the run log got its room.
    const writes = [
      "import { sql, type Kysely } from 'kysely';",
      "await db.selectFrom('pancake.sync_runs').selectAll().execute();",
      'await sql`select 1`.execute(db);',
      "await client.query('begin');",
      'const { rows } = await client.query<{ n: number }>(text, []);',
      'const text = `update ${schema}._private_jobs set locked_at = now() where locked_by = $1`;',
      "const text = 'delete from pancake_private.worker_sessions where pool_id = $1';",
      "const text = `select locked_by from ${schema}.jobs where id = $1`;",
      "const text = `select set_config('lock_timeout', '10s', false)`;",
    ];
    for (const line of writes) expect(sqlIn(line), line).not.toEqual([]);
    const connectsOnly = [
      "import type { Kysely } from 'kysely';",
      "import pg from 'pg';",
      'const client = new pg.Client({ connectionString: url, keepAlive: true });',
      "log.warn('no stream selected from --streams: running the default ones');",
      "throw new Error('could not update the page list: the API did not answer');",
      'await db.transaction().execute(async (trx) => write(trx));',
    ];
    for (const line of connectsOnly) expect(sqlIn(line), line).toEqual([]);
  });

  it(`no file under src/ outside ${SQL_HOME} writes SQL`, () => {
    const offenders = files(join(REPO_ROOT, 'src'))
      .map((file) => relative(REPO_ROOT, file))
      .filter((file) => !file.startsWith(SQL_HOME))
      .flatMap((file) => sqlIn(readFileSync(join(REPO_ROOT, file), 'utf8')).map((form) => `${file}: ${form}`));
    expect(offenders).toEqual([]);
  });

  it("names graphile-worker's private tables in one file only", () => {
    const naming = files(join(REPO_ROOT, 'src'))
      .filter((file) => /_private_(jobs|job_queues|tasks)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO_ROOT, file));
    expect(naming).toEqual(['src/warehouse/runs/refresh-job-locks.ts']);
  });
});
