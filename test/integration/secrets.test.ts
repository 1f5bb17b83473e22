import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/warehouse/schema.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// No secret in any table (issue: page tokens reached pancake.pages.raw, where the BI login reads).
// The simulator's page list carries each page's token in settings.page_access_token, as the real
// one does; this test adds tokens in other places a careless copy would keep, runs the real CLI,
// and then looks for every token the simulator issued in every text and JSON column of every
// table, in the logs and in what the commands printed.

const DAY = 86_400_000;

/** All text and JSON of every table of the database, one string per table.column. */
async function everyStoredText(db: Kysely<Database>): Promise<Map<string, string>> {
  const { rows: columns } = await sql<{ schema: string; table: string; column: string }>`
    select c.table_schema as schema, c.table_name as table, c.column_name as column
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema not in ('pg_catalog', 'information_schema')
      and c.data_type in ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`.execute(db);
  const texts = new Map<string, string>();
  for (const { schema, table, column } of columns) {
    const { rows } = await sql<{ text: string | null }>`select string_agg(${sql.ref(column)}::text, ' ') as text from ${sql.table(`${schema}.${table}`)}`.execute(db);
    texts.set(`${schema}.${table}.${column}`, rows[0]?.text ?? '');
  }
  return texts;
}

describe('secrets never reach a table, a log or the output', () => {
  let h: SyncHarness;
  let tokens: string[];

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 61, pages: 2, conversationsPerPage: 12, historyDays: 20 }, 'secrets');
    const { data } = h.sim;
    tokens = [h.sim.userToken, ...data.pages.map((p) => h.sim.pageToken(p.id))];
    for (const page of data.pages) {
      // As the real page list has it; a key that only looks alike stays.
      const settings = page.settings as Record<string, unknown>;
      expect(settings.page_access_token).toBe(h.sim.pageToken(page.id));
      settings.current_settings_key = 'kept-as-is';
    }
    const [first] = data.pages;
    const conversation = data.conversations.get(first!.id)![0]!;
    // A token-named field deep inside a record, camelCase, and a known token pasted into a chat text.
    Object.assign(conversation as Record<string, unknown>, {
      integration: { partner: { credentials: { user: 'x', pass: 'y' }, accessToken: 'partner-access-token-123', nested: [{ api_key: 'k-123456789' }] } },
    });
    const message = data.messages.get(conversation.id)![0]!;
    message.original_message = `here is the token: ${h.sim.pageToken(first!.id)} ok?`;
    message.message = `<div>${message.original_message}</div>`;
    data.revision++;
  });
  afterAll(async () => h?.close());

  it('after a debug-logged sync and status --json, no token the simulator issued is in any column of any table, in stdout or stderr', async () => {
    const env = simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'debug' });
    const since = new Date(h.sim.data.now.getTime() - 21 * DAY).toISOString();
    const run = await runCli(['sync', '--since', since], env);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const status = await runCli(['status', '--json'], { DATABASE_URL: h.database.url });
    expect(status.code).toBe(0);

    const stored = await everyStoredText(h.db);
    expect(stored.size).toBeGreaterThan(30);
    const haystacks = new Map([...stored, ['stdout', run.stdout], ['stderr', run.stderr], ['status --json', status.stdout]]);
    for (const [where, text] of haystacks) {
      for (const token of [...tokens, 'partner-access-token-123', 'k-123456789']) expect(text.includes(token), `a token leaked into ${where}`).toBe(false);
    }
    expect(run.stderr).toContain('"level":20'); // debug lines with URLs were written, and masked

    // What is masked is only the secret: the rest of each record is kept.
    const pages = await h.db.selectFrom('pancake.pages').select('raw').execute();
    for (const { raw } of pages) {
      const settings = (raw as { settings: Record<string, unknown> }).settings;
      expect(settings).toMatchObject({ page_access_token: '***', current_settings_key: 'kept-as-is' });
    }
    const [first] = h.sim.data.pages;
    const conversation = h.sim.data.conversations.get(first!.id)![0]!;
    const row = await h.db.selectFrom('pancake.conversations').select('raw').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect((row.raw as { integration: unknown }).integration).toEqual({ partner: { credentials: '***', accessToken: '***', nested: [{ api_key: '***' }] } });
    const message = await h.db.selectFrom('pancake.messages').select(['text', 'raw']).where('conversation_id', '=', conversation.id).where('text', 'like', 'here is the token%').executeTakeFirstOrThrow();
    expect(message.text).toBe('here is the token: *** ok?');
    expect((message.raw as { message: string }).message).toBe('<div>here is the token: *** ok?</div>');
  });
});
