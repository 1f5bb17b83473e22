import { sql, type Kysely } from 'kysely';
import type { Database, SenderKind } from './schema.js';

// What the warehouse holds, for summaries (the demo): rows per synced table and messages per
// sender kind.

/** Tables that hold pancake-sync's own bookkeeping, not the shop's data. */
const BOOKKEEPING = ['sync_runs', 'sync_state', 'sync_locks', 'conversation_message_state', 'kysely_migration', 'kysely_migration_lock'];

/** Rows per table of schema `pancake` that holds the shop's data, by table name. */
export async function rowsPerTable(db: Kysely<Database>): Promise<Array<{ table: string; rows: number }>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'pancake' and table_type = 'BASE TABLE' and not (table_name = any(${BOOKKEEPING}::text[]))
    order by table_name`.execute(db);
  const result: Array<{ table: string; rows: number }> = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`pancake.${name}`)}`.execute(db);
    result.push({ table: name, rows: Number(rows[0]?.n ?? 0) });
  }
  return result;
}

/** Messages per sender kind (null: a message without a sender). */
export async function messagesPerSenderKind(db: Kysely<Database>): Promise<Map<SenderKind | null, number>> {
  const rows = await db.selectFrom('pancake.messages').select(['sender_kind', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('sender_kind').execute();
  return new Map(rows.map((r) => [r.sender_kind, Number(r.n)]));
}

/** Rows of a page-scoped table per page. */
export async function rowsPerPage(db: Kysely<Database>, table: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ page_id: string; n: string }>`select page_id, count(*) as n from ${sql.table(table)} group by page_id`.execute(db);
  return new Map(rows.map((r) => [r.page_id, Number(r.n)]));
}
