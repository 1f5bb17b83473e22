import { type Command, Option } from 'commander';
import { FAULT_KINDS, TRANSIENT_FAULT_KINDS, startSimulator, type FaultKind, type FaultOptions } from '../simulator/index.js';
import { portRule, wholeNumberRule } from '../rules.js';
import { STREAMS } from '../sync/registry.js';
import { flagHelp, parseFlag } from './flags.js';
import { UsageError } from '../errors.js';
import { simulatorHistoryStart, simulatorSettings } from './simulator-settings.js';

/** A delay every answer waits: a timer, so within what Node's timers hold (a minute is plenty). */
const LATENCY_RULE = wholeNumberRule(0, 60_000);

/** Days of history the data set spans: at least one, at most about ten years. */
const HISTORY_DAYS_RULE = wholeNumberRule(1, 3650);

/** The simulator answers locally: a sync against it need not pace itself like a real shop's token. */
const SIMULATOR_RATE_LIMIT = 50;

interface SimulateFlags {
  port: string;
  host: string;
  seed: string;
  pages: string;
  conversations: string;
  historyDays: string;
  latency: string;
  rateLimit?: string;
  faultRate?: string;
  faults?: string;
  live?: string;
}

/** The options and action of `simulate`, declared in simulator-commands.ts. */
export function defineSimulate(command: Command): void {
  command
    .option('--port <n>', flagHelp('port to listen on (0: any free port)', portRule), '4010')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'data set seed: the same seed serves the same data', '1')
    .option('--pages <n>', 'pages in the data set (the second a website chat, the third a WhatsApp page)', '3')
    .option('--conversations <n>', 'conversations per page', '120')
    .option('--history-days <n>', flagHelp('days of history in the data set (a shorter one: fewer statistics days to copy)', HISTORY_DAYS_RULE), '120')
    .option('--latency <ms>', flagHelp('delay added to every response, in milliseconds', LATENCY_RULE), '0')
    .option('--rate-limit <n>', 'requests per second per token before answering 429')
    .option('--fault-rate <share>', 'share of requests (0..1) that get an injected fault')
    .option('--live <per-second>', 'keep the shop live: this many changes per second (new messages, new conversations, re-tags, customer edits)')
    .addOption(
      new Option(
        '--faults <kinds>',
        `fault kinds, comma-separated (${FAULT_KINDS.join(', ')}); default: all but expired_token (a 401 "access token has expired", which ends a page's sync by design)`,
      ),
    )
    .action(async (flags: SimulateFlags) => {
      const number = (name: string, value: string, min: number): number => {
        const n = Number(value);
        if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got "${value}"`);
        return n;
      };
      const simulator = await startSimulator({
        port: parseFlag('--port', portRule, flags.port, '4010'),
        host: flags.host,
        seed: number('seed', flags.seed, 0),
        pages: number('pages', flags.pages, 1),
        conversationsPerPage: number('conversations', flags.conversations, 0),
        historyDays: parseFlag('--history-days', HISTORY_DAYS_RULE, flags.historyDays, '120'),
        latencyMs: parseFlag('--latency', LATENCY_RULE, flags.latency, '50'),
        rateLimitPerSecond: flags.rateLimit === undefined ? null : number('rate-limit', flags.rateLimit, 0.1),
        faults: faultOptionsFromFlags(flags),
        liveShop: flags.live === undefined ? null : { perSecond: number('live', flags.live, 0) },
      });
      const out = process.stdout;
      out.write(`Pancake simulator listening on ${simulator.baseUrl}\n`);
      out.write(`Pages: ${simulator.data.pages.map((p) => `${p.id} (${p.name})`).join(', ')}\n`);
      out.write('Point pancake-sync at it with these settings (environment or .env):\n');
      const rate = flags.rateLimit === undefined ? SIMULATOR_RATE_LIMIT : Math.min(SIMULATOR_RATE_LIMIT, Number(flags.rateLimit));
      for (const [name, value] of simulatorSettings(simulator, rate)) out.write(`${name}=${value}\n`);
      const since = simulatorHistoryStart(simulator).toISOString().slice(0, 10);
      out.write(`Then copy everything it holds (every table gets rows):\n  npx pancake-sync sync --since ${since}\n`);
      const optIn = STREAMS.filter((s) => s.optIn !== undefined).map((s) => s.name);
      if (optIn.length > 0) out.write(`  npx pancake-sync sync --since ${since} --streams ${optIn.join(',')}   (opt-in streams, not in a default run)\n`);
      if (flags.live !== undefined) out.write(`The shop is live: ${flags.live} change(s) per second.\n`);
      out.write('Press Ctrl-C to stop the simulator.\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await simulator.close();
    });
}

/** `--fault-rate` and `--faults` as the simulator's FaultOptions; null when no fault is asked for. */
export function faultOptionsFromFlags(flags: { faultRate?: string | undefined; faults?: string | undefined }): FaultOptions | null {
  const kinds = flags.faults?.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const badKinds = kinds?.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k)) ?? [];
  if (badKinds.length > 0) throw new UsageError(`--faults: unknown kind(s) ${badKinds.join(', ')}; valid: ${FAULT_KINDS.join(', ')}`);
  if (kinds !== undefined && flags.faultRate === undefined) {
    throw new UsageError(`--faults needs --fault-rate, the share of requests (0..1) that get one of them, e.g. --fault-rate 0.2 --faults ${kinds.join(',')}`);
  }
  if (flags.faultRate === undefined) return null;
  const rate = Number(flags.faultRate);
  if (flags.faultRate.trim() === '' || !(rate >= 0 && rate <= 1)) throw new UsageError(`--fault-rate must be a share between 0 and 1, e.g. 0.2, got "${flags.faultRate}"`);
  if (rate === 0) return null;
  return { rate, kinds: kinds && kinds.length > 0 ? (kinds as FaultKind[]) : [...TRANSIENT_FAULT_KINDS] };
}
