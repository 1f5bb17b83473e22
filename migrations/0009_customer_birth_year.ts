import { sql, type Kysely } from 'kysely';

// Customers who give only a year of birth arrive as "2007-00-00": not a date, so `birthday` stayed
// null and the year was readable only in raw. The year gets a column of its own.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.customers add column birth_year integer`.execute(db);
  await sql`
    update pancake.customers set birth_year = substring(raw->>'birthday' from '^(\\d{4})-\\d{2}-\\d{2}')::integer
    where jsonb_typeof(raw->'birthday') = 'string' and raw->>'birthday' ~ '^\\d{4}-\\d{2}-\\d{2}'
      and substring(raw->>'birthday' from '^(\\d{4})')::integer between 1900 and extract(year from now())::integer`.execute(db);
  await sql`comment on column pancake.customers.birth_year is 'Year of birth: from birthday, or alone when the customer gave only a year (the API then sends "2007-00-00" and birthday is null).'`.execute(db);
  await sql`comment on column pancake.customers.birthday is 'Birthday when the customer gave a full date; see birth_year for a year alone.'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.customers drop column birth_year`.execute(db);
}
