import { sql, type Kysely } from 'kysely';

// Page tokens generated with the user token, kept so that a page's token is generated once and not
// on every run (generating one may revoke the one the shop's other integrations use). They are
// encrypted (AES-256-GCM, key derived from the user token; see src/sync/page-tokens/sealing.ts) and
// live in their own schema, which no reader role may enter: pancake_reader's default privileges
// cover the schemas pancake and pancake_analytics only.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists pancake_private`.execute(db);
  await sql`revoke all on schema pancake_private from public`.execute(db);
  await sql`comment on schema pancake_private is 'pancake-sync''s own secrets (encrypted page tokens). Not for analysts: no reader role is granted access.'`.execute(db);
  await sql`
    create table pancake_private.page_tokens (
      page_id text primary key,
      salt bytea not null,
      nonce bytea not null,
      ciphertext bytea not null,
      auth_tag bytea not null,
      generated_at timestamptz not null default now()
    )`.execute(db);
  await sql`revoke all on table pancake_private.page_tokens from public`.execute(db);
  await sql`comment on table pancake_private.page_tokens is 'One encrypted page token per page, generated with PANCAKE_ACCESS_TOKEN and reused by every run and worker until Pancake refuses it. Only the user token decrypts it.'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema pancake_private cascade`.execute(db);
}
