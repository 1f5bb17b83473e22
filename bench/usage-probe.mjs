// Preloaded into a measured sync process (`node --import ./bench/usage-probe.mjs ...`): when it
// exits, writes its resource use from getrusage to BENCH_USAGE_FILE as JSON: peak resident set
// size (KiB) and the CPU time it spent in user and system mode (µs).
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.BENCH_USAGE_FILE) return;
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }));
});
