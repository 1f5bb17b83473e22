import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from './columns.js';

// pancake-sync's own bookkeeping: what each stream has covered, which conversations have all their
// messages, the run log and the single-writer locks.

export interface ConversationMessageStateTable {
  page_id: string;
  conversation_id: string;
  synced_updated_at: Timestamp | null;
  history_complete: boolean;
  updated_at: Generated<Date>;
}

export interface SyncStateTable {
  page_id: string;
  stream: string;
  covered_from: Timestamp | null;
  watermark: Timestamp | null;
  cursor: ColumnType<unknown, string | null, string | null>;
  /** When the last sweep of the stream ended (src/sync/engines/sweep.ts). */
  swept_at: Timestamp | null;
  /** Where an unfinished sweep stands; null when none is under way. */
  sweep_cursor: ColumnType<unknown, string | null, string | null>;
  updated_at: Generated<Date>;
}

export interface SyncRunsTable {
  id: Generated<string>;
  started_at: Generated<Date>;
  finished_at: Timestamp | null;
  status: string;
  options: Json;
  counts: Json;
  errors: Json;
  requests: number;
  host: string | null;
  pid: number | null;
  warnings: ColumnType<unknown, string | undefined, string>;
  heartbeat_at: Timestamp | null;
  pages_listed: number | null;
  user_token_expires_at: Timestamp | null;
  user_token_state: string | null;
  rate_limited: number | null;
  effective_rate: ColumnType<string | null, number | null, number | null>;
  page_health: ColumnType<unknown, string | undefined, string>;
  process_start: string | null;
}

export interface SyncLocksTable {
  page_id: string;
  stream: string;
  holder: string;
  host: string;
  pid: number;
  run_id: string | null;
  process_start: string | null;
  since: Generated<Date>;
  heartbeat_at: Generated<Date>;
}
