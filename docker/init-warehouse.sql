-- Runs once when the Postgres volume is created: Metabase's own application database, and the
-- read-only login Metabase uses for the warehouse. The pancake_reader role itself comes from
-- pancake-sync's migrations; the login inherits it as soon as it exists.
create database metabase;
do $$ begin
  if not exists (select from pg_roles where rolname = 'pancake_reader') then create role pancake_reader nologin; end if;
end $$;
create role metabase_reader login password 'metabase_reader' in role pancake_reader;
