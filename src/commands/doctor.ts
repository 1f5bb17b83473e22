import { Command } from 'commander';
import { requireCredentials } from '../config.js';
import { prepareCaptureDir } from '../doctor/capture.js';
import { describeEstimate } from '../doctor/estimate.js';
import { runDoctor, type DoctorReport } from '../doctor/run.js';
import { openStoredTokens } from '../sync/page-tokens/stored-tokens.js';
import { formatExpiry } from '../sync/user-token.js';
import type { ApiAnswer } from '../pancake/client.js';
import { EXIT_OK, EXIT_INCOMPLETE } from '../errors.js';
import { pageListRule, startRule } from '../rules.js';
import { flagHelp, parseOptionalFlag } from './flags.js';
import { clientFromConfig, loadContext, withExitCode } from './command-context.js';
import { printTable } from './print-table.js';

interface DoctorFlags {
  since?: string;
  pages?: string;
  json?: boolean;
  capture?: string;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check a shop before the first sync: one request per page and stream, what is missing, and what a backfill costs; writes nothing')
    .option('--since <date>', flagHelp('estimate the backfill from DATE (default SYNC_START, whose rule this is)', startRule))
    .option('--pages <ids>', flagHelp('only these page ids (the rule of PANCAKE_PAGE_IDS)', pageListRule))
    .option('--json', 'print the report as JSON on stdout')
    .option('--capture <dir>', 'write the answers received, tokens removed and personal data replaced, one directory per page (for a bug report or a test fixture)')
    .action(withExitCode(async (flags: DoctorFlags) => {
      const { config, log } = loadContext();
      requireCredentials(config);
      const now = new Date();
      const since = parseOptionalFlag('--since', startRule, flags.since, '2026-01-01', now) ?? config.syncStart;
      const pages = parseOptionalFlag('--pages', pageListRule, flags.pages, '1234567890123456,web_123');
      const captureDir = flags.capture === undefined ? null : await prepareCaptureDir(flags.capture);
      const answers: ApiAnswer[] = [];
      const client = clientFromConfig(config, log, { onAnswer: (answer) => answers.push(answer) });
      const storedTokens = await openStoredTokens(config, log);
      try {
        const report = await runDoctor(
          { config, client, log, answers: () => answers, storedTokens },
          { since, pages, captureDir, now },
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printReport(report, config.rateLimitPerSecond, captureDir);
        return report.ok ? EXIT_OK : EXIT_INCOMPLETE;
      } finally {
        await storedTokens.close();
      }
    }));
}

function printReport(report: DoctorReport, rateLimit: number, captureDir: string | null): void {
  const out = process.stdout;
  const token = report.userToken;
  if (token) {
    if (token.refused !== null) {
      out.write(`${token.refused}\n`);
      return;
    }
    out.write(`User token (PANCAKE_ACCESS_TOKEN): ${token.expiresAt === null ? 'no known expiry (not a JWT)' : `expires ${formatExpiry(token.expiresAt)}`}\n`);
    if (token.warning !== null) out.write(`  ${token.warning}\n`);
    out.write('\n');
  }
  printTable(
    report.rows.map((r) => ({
      page: r.pageId,
      name: r.name ?? '',
      channel: r.channel ?? '',
      stream: r.optIn ? `${r.stream} (opt-in)` : r.stream,
      status: r.status,
      detail: r.detail,
    })),
  );
  for (const reason of report.refusedPages) out.write(`\n${reason}\n`);
  for (const id of report.missingPages) out.write(`\npage ${id} is not among the pages this token can read; check PANCAKE_PAGE_IDS / --pages\n`);
  out.write(`\n${describeEstimate(report.estimate, rateLimit)}\n`);
  if (captureDir !== null) out.write(`Captured ${report.captured.length} answer(s) in ${captureDir} (tokens removed, personal data replaced).\n`);
  out.write(report.ok ? 'Every default stream of every page is ok.\n' : 'Some streams need attention: see the rows above that are not ok.\n');
}
