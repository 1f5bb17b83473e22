-- Runs once when the Postgres volume is created: Metabase's own application database, and the
-- read-only login Metabase uses for the warehouse. pancake-sync's migrations grant the reader role of
-- the `warehouse` database, pancake_reader_warehouse, read access to it and to nothing else in the
-- cluster; the login inherits it as soon as the migrations have run.
create database metabase;
do $$ begin
  if not exists (select from pg_roles where rolname = 'pancake_reader_warehouse') then create role pancake_reader_warehouse nologin; end if;
end $$;
create role metabase_reader login password 'metabase_reader' in role pancake_reader_warehouse;
