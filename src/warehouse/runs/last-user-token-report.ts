import type { Queryable } from '../table-spec.js';

/** The latest run that used PANCAKE_ACCESS_TOKEN: whether Pancake accepted it, and when it expires. */
export async function lastUserTokenReport(db: Queryable): Promise<{ runId: string; at: Date; state: string; expiresAt: Date | null } | null> {
  const row = await db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'started_at', 'user_token_state', 'user_token_expires_at'])
    .where('user_token_state', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { runId: String(row.id), at: row.started_at, state: row.user_token_state ?? '', expiresAt: row.user_token_expires_at } : null;
}
