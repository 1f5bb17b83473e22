import type { Database } from './schema.js';
import { batchOfParents } from './raw-references.js';
import { columnOfRow } from './upsert.js';
import type { WritePart } from './write-together.js';

// Bridge and child tables hold the lists a record nests (a conversation's tags, assignees and
// histories, a message's attachments, a customer's phone numbers) as rows. When a record changes,
// its list is replaced: the rows of members no longer in it are deleted here, and the rest are
// upserted by the caller in the same statement. The parents are read from their own upsert's JSON
// when it is in the statement (raw-references.ts): a batch of 30 messages named them again in two
// arrays, 2 of the 35 MB the busy shop's 3 × 300 backfill sent to Postgres.

/**
 * Deletes the rows of `table` belonging to the batch's parents (`parentColumn` within a page) whose
 * `members` columns, compared as text, are not among `keep` ([page_id, parent id, ...members]), as a
 * part of the statement that upserts the rest (write-together.ts): the two touch disjoint rows. Counts
 * the rows deleted.
 */
export function childRowsNotInPart(
  table: keyof Database & string,
  parentColumn: string,
  members: readonly string[],
  batch: ReadonlyArray<{ pageId: string; parentId: string }>,
  keep: ReadonlyArray<readonly string[]>,
): WritePart[] {
  if (batch.length === 0) return [];
  const [schema, name] = table.split('.') as [string, string];
  const memberNames = members.map((_, i) => `m${i}`);
  const parentBatch = batchOfParents(batch);
  return [
    {
      size: 0,
      counts: true,
      render: (p) => {
        const keepArrays = [0, 1, ...members.map((_, i) => i + 2)].map((column) => `${p.add(keep.map((k) => k[column] ?? ''))}::text[]`).join(', ');
        const memberMatch = members.map((m, i) => ` and keep.${memberNames[i]} = t."${m}"::text`).join('');
        // The parents' keys from their own upsert's JSON when the statement carries it (raw-references.ts).
        const parents = parentBatch
          ? `(select ${columnOfRow(parentBatch.spec, parentBatch.sources, 'page_id')}, ${columnOfRow(parentBatch.spec, parentBatch.sources, 'id')} from jsonb_array_elements(${p.shared(parentBatch.json)}::jsonb) r)`
          : `unnest(${p.add(batch.map((c) => c.pageId))}::text[], ${p.add(batch.map((c) => c.parentId))}::text[])`;
        return (
          `delete from "${schema}"."${name}" as t ` +
          `using ${parents} as batch(page_id, parent_id) ` +
          `where t.page_id = batch.page_id and t."${parentColumn}" = batch.parent_id and not exists (` +
          `select 1 from unnest(${keepArrays}) as keep(page_id, parent_id${memberNames.map((m) => `, ${m}`).join('')}) ` +
          `where keep.page_id = t.page_id and keep.parent_id = t."${parentColumn}"${memberMatch})`
        );
      },
    },
  ];
}

/** childRowsNotInPart for a conversation's bridge rows, keyed by one member column. */
export function bridgeDeletePart(
  table: 'pancake.conversation_tags' | 'pancake.conversation_assignees',
  member: 'tag_id' | 'user_id',
  batch: ReadonlyArray<{ pageId: string; conversationId: string }>,
  keep: ReadonlyArray<readonly [string, string, string]>,
): WritePart[] {
  return childRowsNotInPart(table, 'conversation_id', [member], batch.map((c) => ({ pageId: c.pageId, parentId: c.conversationId })), keep);
}
