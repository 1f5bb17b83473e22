// Preloaded into the measured sync process (`node --import ./bench/rss-probe.mjs ...`): writes the
// process's peak resident set size (KiB, from getrusage) to BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
