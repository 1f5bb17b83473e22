import { defineConfig } from 'vitest/config';
import HeaviestFirst from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Provides `adminDatabaseUrl` (TEST_DATABASE_URL, else testcontainers, else embedded Postgres).
    globalSetup: ['test/support/global-setup.ts'],
    // A net for a hang, not a speed limit: on a 2-core machine busy with another job (load 15), a
    // test that spawns a full CLI sync took over 60 s (cli.test.ts "demo", live-shop.test.ts).
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Child processes, not threads: integration tests spawn servers and kill processes, and a
    // crashed fork cannot take the other test files down with it.
    pool: 'forks',
    // A fork runs one file after another with the modules it already loaded, instead of a new
    // process importing src/ and the simulator for every file (about half a CPU-second a file; the
    // unit files took 36 CPU-s isolated, 19 not). Each file still makes its own databases,
    // simulators and harnesses; no test mocks a module, and those that stub a global restore it.
    isolate: false,
    fileParallelism: true,
    // The CI machine has 2 cores, but most test files wait on child processes, HTTP and Postgres:
    // 4 files at once took the suite from 509 s to 411 s there (each file gets its own database).
    maxWorkers: 4,
    // The heaviest files first (test/support/sequencer.ts), so that the run does not end with one
    // long file alone: a fresh clone has no durations of a previous run to order by.
    sequence: { sequencer: HeaviestFirst },
  },
});
