// One night of bench/season.ts: a run of runSync (built code, dist/) as the CLI makes it, but at the
// shop's clock (BENCH_NOW: the simulator's manual clock, which the CLI cannot be given), in its own
// process so that its CPU and memory are its own (bench/usage-probe.mjs records them). Streams:
// BENCH_STREAMS (comma-separated; default every one); BENCH_SINCE, BENCH_SWEEP=1 as --since and --sweep.
// Prints one JSON line on stdout: the exit code, requests, failures, warnings and error lines logged.
import { parseConfig } from '../dist/src/config.js';
import { createLogger } from '../dist/src/logger.js';
import { createPancakeClient } from '../dist/src/pancake/client.js';
import { runSync } from '../dist/src/sync/runner.js';
import { createDb } from '../dist/src/warehouse/db.js';

const config = parseConfig(process.env);
// The pool the CLI opens for a sync (commands/command-context.ts): one connection per request in flight, plus four.
const db = createDb(config.databaseUrl, config.concurrency + 4);
const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, retries: config.retries, timeoutMs: config.timeoutMs, concurrency: config.concurrency });
const lines = [];
const log = createLogger({ level: 'warn', destination: { write: (line) => void lines.push(JSON.parse(line)) } });
const options = {
  streams: process.env.BENCH_STREAMS ? process.env.BENCH_STREAMS.split(',') : null,
  since: process.env.BENCH_SINCE ? new Date(process.env.BENCH_SINCE) : null,
  sweep: process.env.BENCH_SWEEP === '1',
};
const summary = await runSync({ config, db, client, log, now: new Date(process.env.BENCH_NOW) }, options);
await db.destroy();
process.stdout.write(
  `${JSON.stringify({ exitCode: summary.exitCode, requests: summary.requests, failures: summary.failures.map((f) => f.kind), warnings: lines.filter((l) => l.level === 40).map((l) => l.msg), errors: lines.filter((l) => l.level >= 50).map((l) => l.msg) })}\n`,
);
// The run's exit code is the process's, as the CLI's is.
process.exitCode = summary.exitCode;
