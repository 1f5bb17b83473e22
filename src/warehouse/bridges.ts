import type { WritePart } from './statement.js';

// Bridge tables hold the lists a record nests (a conversation's tags and assignees) as rows. When a
// record changes, its list is replaced: the rows of members no longer in it are deleted here, and
// the rest are upserted by the caller in the same statement.

/**
 * Deletes the rows of `table` belonging to the batch's conversations whose `member` column is not
 * in `keep` ([page_id, conversation_id, member] triples), as a part of the statement that upserts
 * the rest (statement.ts): the two touch disjoint rows. Counts the rows deleted.
 */
export function bridgeDeletePart(
  table: 'pancake.conversation_tags' | 'pancake.conversation_assignees',
  member: 'tag_id' | 'user_id',
  batch: ReadonlyArray<{ pageId: string; conversationId: string }>,
  keep: ReadonlyArray<readonly [string, string, string]>,
): WritePart[] {
  if (batch.length === 0) return [];
  const [schema, name] = table.split('.') as [string, string];
  return [
    {
      size: 0,
      counts: true,
      render: (p) =>
        `delete from "${schema}"."${name}" as t ` +
        `using unnest(${p.add(batch.map((c) => c.pageId))}::text[], ${p.add(batch.map((c) => c.conversationId))}::text[]) as batch(page_id, conversation_id) ` +
        `where t.page_id = batch.page_id and t.conversation_id = batch.conversation_id and not exists (` +
        `select 1 from unnest(${p.add(keep.map((k) => k[0]))}::text[], ${p.add(keep.map((k) => k[1]))}::text[], ${p.add(keep.map((k) => k[2]))}::text[]) as keep(page_id, conversation_id, member) ` +
        `where keep.page_id = t.page_id and keep.conversation_id = t.conversation_id and keep.member = t."${member}")`,
    },
  ];
}
