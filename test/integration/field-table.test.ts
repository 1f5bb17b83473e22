import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/harness.js';

// docs/pancake-api.md, "Fields", says what becomes of every field of every answer. This holds it
// against the code and the fixtures: every table and column it names exists after the migrations,
// and every top-level key of every fixture answer (and of the records those answers list) has a
// row, so a field the API sends cannot go unmentioned.

type Json = Record<string, unknown>;
const FIXTURES = join(REPO_ROOT, 'test/fixtures');

/** The sections of "Fields": the ids in each heading (in backticks) → the table's rows. */
function fieldSections(): Map<string, Array<{ fields: string[]; becomes: string }>> {
  const doc = readFileSync(join(REPO_ROOT, 'docs/pancake-api.md'), 'utf8');
  const part = doc.slice(doc.indexOf('\n## Fields\n'), doc.indexOf('\n## ', doc.indexOf('\n## Fields\n') + 5));
  const sections = new Map<string, Array<{ fields: string[]; becomes: string }>>();
  let ids: string[] = [];
  for (const line of part.split('\n')) {
    if (line.startsWith('### ')) {
      ids = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      for (const id of ids) sections.set(id, []);
      continue;
    }
    const row = /^\| (.+?) \| (.+) \|$/.exec(line);
    if (!row || row[1] === 'field' || row[1] === 'answer' || row[1]!.startsWith('---')) continue;
    const entry = { fields: [...row[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), becomes: row[2]! };
    for (const id of ids) sections.get(id)!.push(entry);
  }
  return sections;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.json') ? [path] : [];
  });
}

/** Every fixture answer, by the file's place in a capture's layout. */
function answers(pattern: RegExp): unknown[] {
  return files(FIXTURES)
    .filter((f) => pattern.test(f.slice(FIXTURES.length)))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown);
}

const objects = (list: unknown): Json[] => (Array.isArray(list) ? list.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)) : []);
const keysOf = (records: Json[]): string[] => [...new Set(records.flatMap((r) => Object.keys(r)))];

/** Section id → the keys the fixtures show for it. */
function fixtureKeys(): Record<string, string[]> {
  const pages = answers(/\/pages\/list_pages\.json$/) as Json[];
  const customers = answers(/\/pages\/page_customers\/page_\d+\.json$/) as Json[];
  const conversations = answers(/\/conversations\/list_conversations_page_\d+\.json$/) as Json[];
  const messageAnswers = answers(/\/messages\/[^/]+\/page_\d+\.json$/) as Json[];
  const messages = messageAnswers.flatMap((a) => objects(a.messages));
  const engagement = answers(/\/statistics\/customer_engagements(_by_hour)?\.json$/) as Json[];
  const pageStatistics = answers(/\/statistics\/pages\.json$/) as Json[];
  const users = answers(/\/pages\/users\.json$/) as Json[];
  const tags = answers(/\/pages\/tags\.json$/) as Json[];
  return {
    list_pages: keysOf(pages),
    page: keysOf(pages.flatMap((p) => objects((p.categorized as Json | undefined)?.activated))),
    page_token: keysOf(answers(/\/generate_page_access_token\.json$/) as Json[]),
    tags: keysOf(tags),
    tag: keysOf(tags.flatMap((t) => objects(t.tags))),
    users: keysOf(users),
    user: keysOf(users.flatMap((u) => [...objects(u.users), ...objects(u.disabled_users)])),
    page_customers: keysOf(customers),
    customer: keysOf(customers.flatMap((c) => objects(c.customers))),
    conversations: keysOf(conversations),
    conversation: keysOf(conversations.flatMap((c) => objects(c.conversations))),
    messages_answer: keysOf(messageAnswers),
    message: keysOf(messages),
    message_from: keysOf(messages.flatMap((m) => objects([m.from]))),
    attachment: keysOf(messages.flatMap((m) => objects(m.attachments))),
    customer_engagements: keysOf(engagement),
    users_engagement: keysOf(engagement.flatMap((e) => objects(e.users_engagements))),
    page_statistics: keysOf(pageStatistics),
    page_statistics_hour: keysOf(pageStatistics.flatMap((p) => objects(p.data))),
    ads_entry: keysOf(answers(/\/statistics\/ads\.json$/).flatMap(objects)),
    campaign_entry: keysOf(answers(/\/statistics\/pages_campaigns\.json$/).flatMap(objects)),
  };
}

describe('the field table of docs/pancake-api.md', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const sections = fieldSections();

  beforeAll(async () => {
    database = await createMigratedDatabase('field_table');
    db = createDb(database.url, 2);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('names only tables and columns that exist', async () => {
    const { rows } = await sql<{ schema: string; table: string; column: string }>`
      select table_schema as schema, table_name as table, column_name as column from information_schema.columns
      where table_schema in ('pancake', 'pancake_private', 'pancake_analytics')`.execute(db);
    const known = new Set(rows.flatMap((r) => {
      const table = r.schema === 'pancake' ? r.table : `${r.schema}.${r.table}`;
      return [table, `${table}.${r.column}`];
    }));
    const named = [...sections.values()].flat().flatMap((row) => [...row.becomes.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(150);
    expect([...new Set(named)].filter((name) => !known.has(name))).toEqual([]);
  });

  it('lists every top-level key of the fixtures', () => {
    const missing: string[] = [];
    for (const [id, keys] of Object.entries(fixtureKeys())) {
      const rows = sections.get(id);
      expect(rows, `a section (\`${id}\`) in "Fields"`).toBeDefined();
      expect(keys.length, id).toBeGreaterThan(0);
      const listed = new Set(rows!.flatMap((r) => r.fields));
      missing.push(...keys.filter((k) => !listed.has(k)).map((k) => `${id}: ${k}`));
    }
    expect(missing).toEqual([]);
  });
});
