// The sync process of bench/backfill.ts: one run of runSync (built code, dist/), as the CLI makes it,
// in its own process so that it has a core of its own as it would in production. It prints JSON
// lines on stdout: {"started": ms, "now": ms (the run's clock)}, then {"at": ms, "eta": ms|null} five times a second (the
// progress display's ETA), then {"finished": ms, "exitCode": n}.
import { parseConfig } from '../dist/src/config.js';
import { silentLogger } from '../dist/src/logger.js';
import { createPancakeClient } from '../dist/src/pancake/client.js';
import { createProgress } from '../dist/src/sync/progress.js';
import { runSync } from '../dist/src/sync/runner.js';
import { createDb } from '../dist/src/warehouse/db.js';

const config = parseConfig(process.env);
// The pool the CLI opens for a sync (commands/command-context.ts): one connection per request in flight, plus four.
const db = createDb(config.databaseUrl, config.concurrency + 4);
const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, retries: config.retries, timeoutMs: config.timeoutMs, concurrency: config.concurrency });
const progress = createProgress({ log: silentLogger, target: { isTTY: false, write: () => true }, requests: () => client.stats.requests, ratePerPage: config.rateLimitPerSecond, logEveryMs: 3_600_000 });
const options = { since: process.env.BENCH_SINCE ? new Date(process.env.BENCH_SINCE) : null, until: process.env.BENCH_UNTIL ? new Date(process.env.BENCH_UNTIL) : null };
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
// The run's clock, told to the bench: its newest 7 days end here.
const now = new Date();
say({ started: Date.now(), now: now.getTime() });
const sampler = setInterval(() => say({ at: Date.now(), eta: progress.eta() }), 200);
const summary = await runSync({ config, db, client, log: silentLogger, progress, now }, options);
clearInterval(sampler);
say({ finished: Date.now(), exitCode: summary.exitCode, failures: summary.failures });
await db.destroy();
