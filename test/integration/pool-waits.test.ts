import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { sleep } from '../../src/sleep.js';
import { runSync } from '../../src/sync/runner.js';
import { createPool, isConnectionError } from '../../src/warehouse/connection.js';
import { createDb } from '../../src/warehouse/db.js';
import { createMigratedDatabase, createTestDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Waiting for a pooled connection that another stream is using is not a failure: on a busy host a
// run goes slower, it does not lose streams to "timeout exceeded when trying to connect". Only
// opening a connection is bounded (src/warehouse/connection.ts). The bound here (1 s: room for a
// connection to open on a loaded machine) is shorter than every wait below, so these tests fail with a pool that bounds the wait itself (the
// sync would retry such a stream after a pause, and on a host busy for longer, give it up).

const CONNECT_TIMEOUT_MS = 1_000;
const BUSY_MS = 1_500;

describe('waiting for a busy connection pool', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pool_waits');
  });
  afterAll(async () => database?.drop());

  it('a query waits for the pool\'s only connection as long as another holds it', async () => {
    const pool = createPool(database.url, 1, { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    try {
      const holder = await pool.connect();
      const waiting = pool.query<{ ok: number }>('select 1 as ok');
      await sleep(BUSY_MS);
      holder.release();
      expect((await waiting).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('opening a connection to a server that never answers still fails after the bound, as a connection loss (retried)', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const pool = createPool(`postgres://nobody@127.0.0.1:${port}/none`, 1, { connectTimeoutMs: 50 });
    try {
      const failure = await pool.query('select 1').then(() => null, (error: unknown) => error);
      expect(String(failure)).toMatch(/timeout/i);
      // On a loaded host a connection can take longer than the bound to open: the stream is run again
      // (retryOnConnectionLoss) rather than failed. pg words it "timeout expired"; a run under two
      // suites at once lost its messages stream to it.
      expect(isConnectionError(failure)).toBe(true);
    } finally {
      await pool.end();
      silent.close();
    }
  });

  describe('a sync whose streams wait for the pool', () => {
    let h: SyncHarness;
    beforeAll(async () => {
      h = await createSyncHarness({ seed: 5, pages: 2, conversationsPerPage: 10, historyDays: 5 }, 'pool_waits_ref');
    });
    afterAll(async () => h?.close());

    it('completes every stream when, mid-run, the pool\'s only connection is held far longer than the bound', async () => {
      const target = await createMigratedDatabase('pool_waits_sync');
      const db = createDb(target.url, 1, { connectTimeoutMs: CONNECT_TIMEOUT_MS });
      try {
        // From the 20th request on, the shop's answers wait while this test takes the pool's one
        // connection; then they go on, and the streams queue for the connection for BUSY_MS.
        let seen = 0;
        const hold = h.sim.holdRequests(() => ++seen >= 20);
        const config = h.config({ SYNC_CONCURRENCY: '4' });
        let logged = '';
        const log = createLogger({ level: 'warn', destination: new Writable({ write: (chunk: Buffer, _encoding, done) => ((logged += chunk.toString()), done()) }) });
        const run = runSync({ config, db, client: h.client(config), log, now: h.sim.now() }, { since: new Date(h.sim.data.now.getTime() - 6 * 86_400_000) });
        await hold.reached;
        await db.connection().execute(async () => {
          hold.release();
          await sleep(BUSY_MS);
        });
        const summary = await run;
        expect(summary.failures).toEqual([]);
        expect(summary.exitCode).toBe(0);
        // Not even a retry: a stream that waited for the pool did not take it for a lost connection.
        expect(logged).not.toMatch(/lost the database connection|timeout/i);
      } finally {
        await db.destroy();
        await target.drop();
      }
    });
  });
});
