import type { ColumnType, Generated } from 'kysely';
import { boolean, column, decimal, integer, jsonb, text, timestamptz } from './columns.js';
import { table, type TableRow } from './declare.js';

// pancake-sync's own bookkeeping: what each stream has covered, which conversations have all their
// messages, the run log and the single-writer locks. Written by their own statements
// (src/warehouse/), not by the upserts; their defaults are typed as kysely's Generated.

/** A timestamptz the database fills in (default now()). */
const generatedTime = column<Generated<Date>, Date>('timestamptz');
/** jsonb read as parsed JSON and written as a JSON string, with a default (or null) when left out. */
const jsonbOptional = column<ColumnType<unknown, string | undefined, string>>('jsonb');
const jsonbOrNull = column<ColumnType<unknown, string | null, string | null>>('jsonb', true);

export const conversationMessageState = table('pancake.conversation_message_state', {
  page_id: text, conversation_id: text, synced_updated_at: timestamptz.nullable, history_complete: boolean,
  updated_at: generatedTime,
}, { key: ['page_id', 'conversation_id'] });
export type ConversationMessageStateTable = TableRow<typeof conversationMessageState>;

export const syncState = table('pancake.sync_state', {
  page_id: text, stream: text, covered_from: timestamptz.nullable, watermark: timestamptz.nullable,
  cursor: jsonbOrNull, updated_at: generatedTime,
  /** When the last sweep of the stream ended (src/sync/engines/sweep.ts). */
  swept_at: timestamptz.nullable,
  /** Where an unfinished sweep stands; null when none is under way. */
  sweep_cursor: jsonbOrNull,
}, { key: ['page_id', 'stream'] });
export type SyncStateTable = TableRow<typeof syncState>;

export const syncRuns = table('pancake.sync_runs', {
  id: column<Generated<string>>('bigint'), started_at: generatedTime, finished_at: timestamptz.nullable, status: text,
  options: jsonb, counts: jsonb, errors: jsonb, requests: integer, host: text.nullable, pid: integer.nullable,
  warnings: jsonbOptional, heartbeat_at: timestamptz.nullable, pages_listed: integer.nullable,
  user_token_expires_at: timestamptz.nullable, user_token_state: text.nullable, rate_limited: integer.nullable,
  effective_rate: decimal, page_health: jsonbOptional, process_start: text.nullable,
}, { key: ['id'] });
export type SyncRunsTable = TableRow<typeof syncRuns>;

export const syncLocks = table('pancake.sync_locks', {
  page_id: text, stream: text, holder: column<string>('uuid'), host: text, pid: integer,
  run_id: column<string>('bigint').nullable, process_start: text.nullable, since: generatedTime,
  heartbeat_at: generatedTime,
}, { key: ['page_id', 'stream'] });
export type SyncLocksTable = TableRow<typeof syncLocks>;
