import { sql, type Kysely } from 'kysely';

// A season unattended (docs/architecture.md): pages that lapse and come back, a user token that
// expires, a rate limit shared with the shop's other integrations.
//  - pages.status: which list of the page list a page is in (a lapsed page is `inactivated`, not
//    deleted); `deleted` only when it is in no list at all; rows are never removed.
//  - sync_runs: the user token's expiry and whether Pancake accepted it (status shows a refusal
//    until a run is accepted again), the rate-limited answers and the pace the run ended at, and
//    per page the token's source and health and its pace.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.pages add column status text`.execute(db);
  await sql`
    update pancake.pages set status = case
      when deleted_at is not null then 'deleted'
      when (select count(*) from jsonb_object_keys(case when jsonb_typeof(raw) = 'object' then raw else '{}'::jsonb end)) > 1 then 'activated'
      else 'unlisted' end`.execute(db);
  await sql`
    alter table pancake.sync_runs
      add column user_token_expires_at timestamptz,
      add column user_token_state text,
      add column rate_limited integer,
      add column effective_rate numeric,
      add column page_health jsonb not null default '{}'`.execute(db);
  const comments: Array<[string, string]> = [
    [
      'column pancake.pages.status',
      "Which list of Pancake's page list the page is in: activated, inactivated (its subscription lapsed; it keeps syncing while its token reads), hidden, nopermission; unlisted (in no list, synced with its own token from PANCAKE_PAGE_TOKENS); deleted (in no list: its rows are kept).",
    ],
    ['column pancake.sync_runs.user_token_expires_at', "When PANCAKE_ACCESS_TOKEN expires (the JWT's exp claim); null when it is not a JWT or the run had none."],
    ['column pancake.sync_runs.user_token_state', 'accepted or refused: whether Pancake accepted PANCAKE_ACCESS_TOKEN in this run (refused: only pages with a stored token were synced); null when the run did not use it.'],
    ['column pancake.sync_runs.rate_limited', 'Rate-limited answers (HTTP 429 or error_code 429) the run got.'],
    ['column pancake.sync_runs.effective_rate', 'The slowest pace (requests per second) any page token of the run ended at; PANCAKE_RATE_LIMIT when none was lowered.'],
    ['column pancake.sync_runs.page_health', 'Per page: where its token came from (PANCAKE_PAGE_TOKENS, stored, generated), whether it worked or was refused, its pace at the end of the run and its rate-limited answers.'],
  ];
  for (const [target, text] of comments) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.pages drop column status`.execute(db);
  await sql`
    alter table pancake.sync_runs
      drop column user_token_expires_at, drop column user_token_state, drop column rate_limited, drop column effective_rate, drop column page_health`.execute(db);
}
