import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ACTIVITY_VIEWS } from './analytics-views-activity.js';
import { BUSINESS_VIEWS } from './analytics-views-business.js';
import { CAMPAIGN_VIEWS } from './analytics-views-campaigns.js';
import { INQUIRY_VIEWS } from './analytics-views-inquiries.js';
import { PEOPLE_VIEWS } from './analytics-views-people.js';
import { RESPONSE_VIEWS } from './analytics-views-responses.js';
import type { ViewSpec } from './analytics-view-parts.js';

// The one place the pancake_analytics views are created. A view holds no data, so its definition
// is not frozen in a migration: the definitions live in the parts files, as they are now, and after
// the migrations have run, `ensureAnalyticsViews` (called by src/warehouse/migrate.ts) drops every
// view and creates them again whenever the definitions differ from those last created (a checksum
// in pancake_private.analytics_views). A change to a view is thereby a change to its parts file
// alone; a migration that alters a column some view reads calls dropAnalyticsViews first, and the
// views come back, as currently defined, when the migration run ends.

export const ANALYTICS_VIEWS: ViewSpec[] = [...ACTIVITY_VIEWS, ...RESPONSE_VIEWS, ...INQUIRY_VIEWS, ...PEOPLE_VIEWS, ...BUSINESS_VIEWS, ...CAMPAIGN_VIEWS];

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A digest of every definition: the views are recreated when it changes. */
export function analyticsViewsChecksum(): string {
  return createHash('sha256').update(JSON.stringify(ANALYTICS_VIEWS)).digest('hex');
}

/** Drops every view of pancake_analytics, whatever its name. */
export async function dropAnalyticsViews<DB>(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.views where table_schema = 'pancake_analytics'`.execute(db);
  if (rows.length > 0) await sql.raw(`drop view if exists ${rows.map((r) => r.name).join(', ')}`).execute(db);
  await sql`delete from pancake_private.analytics_views`.execute(db);
}

async function createView<DB>(db: Kysely<DB>, view: ViewSpec): Promise<void> {
  const name = `pancake_analytics.${view.name}`;
  await sql.raw(`create view ${name} as ${view.body}`).execute(db);
  const { rows } = await sql<{ attname: string }>`select attname from pg_attribute where attrelid = ${name}::regclass and attnum > 0 and not attisdropped order by attnum`.execute(db);
  const actual = rows.map((r) => r.attname).join(', ');
  const described = view.columns.map(([column]) => column).join(', ');
  if (actual !== described) throw new Error(`view ${name} has columns (${actual}) but its description lists (${described})`);
  await sql.raw(`comment on view ${name} is ${quote(view.comment)}`).execute(db);
  for (const [column, text] of view.columns) await sql.raw(`comment on column ${name}.${column} is ${quote(text)}`).execute(db);
}

/** Creates every view as currently defined and records their checksum. */
export async function createAnalyticsViews<DB>(db: Kysely<DB>): Promise<void> {
  for (const view of ANALYTICS_VIEWS) await createView(db, view);
  await sql`insert into pancake_private.analytics_views (checksum) values (${analyticsViewsChecksum()})`.execute(db);
}

/**
 * Recreates the views when their definitions differ from those in the database; true when it did.
 * In one transaction holding the checksum table, which only the owner can lock (no advisory lock a
 * reader could take): two processes upgrading together create them once, and a reader never sees
 * the schema without its views. Each lock waits at most `lockTimeout`.
 */
export async function ensureAnalyticsViews<DB>(db: Kysely<DB>, lockTimeout = '60s'): Promise<boolean> {
  const current = analyticsViewsChecksum();
  const stored = async (q: Kysely<DB>) => (await sql<{ checksum: string }>`select checksum from pancake_private.analytics_views`.execute(q)).rows.map((r) => r.checksum);
  if ((await stored(db)).join() === current) return false;
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('lock_timeout', ${lockTimeout}, true)`.execute(trx);
    await sql`lock table pancake_private.analytics_views in share row exclusive mode`.execute(trx);
    if ((await stored(trx)).join() === current) return false;
    await dropAnalyticsViews(trx);
    await createAnalyticsViews(trx);
    return true;
  });
}
