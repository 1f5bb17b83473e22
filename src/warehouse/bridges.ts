import { sql } from 'kysely';
import type { Queryable } from './upsert.js';

// Bridge tables hold the lists a record nests (a conversation's tags and assignees) as rows. When a
// record changes, its list is replaced: the rows of members no longer in it are deleted here, and
// the rest are upserted by the caller in the same transaction.

/**
 * Deletes the rows of `table` belonging to the batch's conversations whose `member` column is not
 * in `keep` ([page_id, conversation_id, member] triples); returns how many were deleted.
 */
export async function deleteBridgeRowsNotIn(
  db: Queryable,
  table: 'pancake.conversation_tags' | 'pancake.conversation_assignees',
  member: 'tag_id' | 'user_id',
  batch: ReadonlyArray<{ pageId: string; conversationId: string }>,
  keep: ReadonlyArray<readonly [string, string, string]>,
): Promise<number> {
  if (batch.length === 0) return 0;
  const result = await sql`
    delete from ${sql.table(table)} as t
    using unnest(${batch.map((c) => c.pageId)}::text[], ${batch.map((c) => c.conversationId)}::text[]) as batch(page_id, conversation_id)
    where t.page_id = batch.page_id and t.conversation_id = batch.conversation_id
      and not exists (
        select 1 from unnest(${keep.map((k) => k[0])}::text[], ${keep.map((k) => k[1])}::text[], ${keep.map((k) => k[2])}::text[]) as keep(page_id, conversation_id, member)
        where keep.page_id = t.page_id and keep.conversation_id = t.conversation_id and keep.member = t.${sql.ref(member)}
      )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
