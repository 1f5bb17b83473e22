import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { REPO_ROOT } from '../support/harness.js';

// No Docker engine runs where the tests run, so the compose file is checked as data: the services,
// ports, volumes and environment wiring that `docker compose up` depends on.
interface Service {
  image?: string;
  build?: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }> | string[];
  entrypoint?: string[];
}

const compose = parse(readFileSync(`${REPO_ROOT}/docker-compose.yml`, 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

describe('docker-compose.yml', () => {
  it('has the warehouse, Metabase, its setup and the sync job', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['enqueue', 'metabase', 'metabase-setup', 'postgres', 'sync', 'worker']);
  });

  it('has workers (profile "workers", scalable: no fixed name or port) and an enqueue loop, both on the compose Postgres', () => {
    for (const name of ['worker', 'enqueue']) {
      const service = compose.services[name]! as Service & { profiles?: string[]; container_name?: string };
      expect(service.profiles).toEqual(['workers']);
      expect(service.container_name).toBeUndefined();
      expect(service.ports).toBeUndefined();
      expect(String(service.environment?.DATABASE_URL)).toContain('@postgres:5432/warehouse');
    }
    expect((compose.services.worker as Service & { command?: string[] }).command?.[0]).toBe('worker');
    expect(compose.services.enqueue!.environment?.SYNC_COMMAND).toBe('enqueue');
  });

  it('keeps the warehouse on a named volume and runs the init script that creates the reader login', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.ports).toContain('5432:5432');
    expect(postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    const init = postgres.volumes!.find((v) => v.includes('docker-entrypoint-initdb.d'))!;
    expect(existsSync(`${REPO_ROOT}/${init.split(':')[0]}`)).toBe(true);
    expect(postgres.environment?.POSTGRES_DB).toBe('warehouse');
  });

  it('builds the sync job from the repo and points it at the compose Postgres', () => {
    const sync = compose.services.sync!;
    expect(sync.build).toBe('.');
    expect(existsSync(`${REPO_ROOT}/Dockerfile`)).toBe(true);
    const url = new URL(String(sync.environment?.DATABASE_URL).replace('${POSTGRES_PASSWORD:-pancake}', 'pw'));
    expect(url.hostname).toBe('postgres');
    expect(url.pathname).toBe(`/${compose.services.postgres!.environment?.POSTGRES_DB}`);
    expect(sync.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    expect(existsSync(`${REPO_ROOT}${sync.entrypoint![0]!.replace('/app', '')}`)).toBe(true);
  });

  it('points Metabase at the same server and publishes its port; the setup adds the warehouse as the read-only login', () => {
    const metabase = compose.services.metabase!;
    expect(metabase.ports).toContain('3000:3000');
    expect(metabase.environment).toMatchObject({ MB_DB_TYPE: 'postgres', MB_DB_HOST: 'postgres', MB_DB_DBNAME: 'metabase' });
    const setup = compose.services['metabase-setup']!;
    expect(setup.environment).toMatchObject({ WAREHOUSE_DB: 'warehouse', READER_USER: 'metabase_reader' });
    const init = readFileSync(`${REPO_ROOT}/docker/init-warehouse.sql`, 'utf8');
    expect(init).toMatch(/create database metabase/);
    // The reader role of the `warehouse` database, as the migrations name it: that database and nothing else.
    expect(init).toMatch(new RegExp(`create role metabase_reader login .* in role ${readerRoleName(String(compose.services.postgres!.environment?.POSTGRES_DB))};`));
  });
});
