import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Provides `adminDatabaseUrl` (TEST_DATABASE_URL, else testcontainers, else embedded Postgres).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Child processes, not threads: integration tests spawn servers and kill processes, and a
    // crashed fork cannot take the other test files down with it.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2, // the CI machine has 2 cores; each DB test file gets its own database
  },
});
