import { Command } from 'commander';
import { sql } from 'kysely';
import { formatDuration } from '../durations.js';
import { openWarehouse } from '../warehouse/db.js';
import { schemaStatus } from '../warehouse/migrate.js';
import { loadContext, printTable, withExitCode } from './shared.js';

interface StatusFlags {
  json?: boolean;
}

export interface StatusReport {
  schema: { applied: string[]; pending: string[] };
  lastRun: { id: string; status: string; startedAt: Date; finishedAt: Date | null; requests: number; errors: unknown } | null;
  streams: Array<{ pageId: string; pageName: string | null; stream: string; watermark: Date | null; lagSeconds: number | null; rows: number; pending: number | null }>;
}

export function statusCommand(): Command {
  return new Command('status')
    .description('watermarks, last runs, row counts and lag per page and stream')
    .option('--json', 'print the report as JSON on stdout')
    .action(withExitCode(async (flags: StatusFlags) => {
      const { config, log } = loadContext();
      const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, logger: log });
      try {
        const report = await buildStatus(warehouse.db);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          printStatus(report);
        }
      } finally {
        await warehouse.close();
      }
      return 0;
    }));
}

type Db = Parameters<typeof schemaStatus>[0];

export async function buildStatus(db: Db, now = new Date()): Promise<StatusReport> {
  const schema = await schemaStatus(db);
  if (schema.applied.length === 0) return { schema, lastRun: null, streams: [] };
  const last = await db.selectFrom('pancake.sync_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  const pages = await db.selectFrom('pancake.pages').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('id').execute();
  const states = await db.selectFrom('pancake.sync_state').select(['page_id', 'stream', 'watermark']).execute();
  const conversationCounts = await countByPage(db, 'pancake.conversations');
  const messageCounts = await countByPage(db, 'pancake.messages');
  const pendingMessages = await db
    .selectFrom('pancake.conversations as c')
    .leftJoin('pancake.conversation_message_state as s', (join) => join.onRef('s.page_id', '=', 'c.page_id').onRef('s.conversation_id', '=', 'c.id'))
    .select(['c.page_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where((eb) => eb.or([eb('s.conversation_id', 'is', null), eb('s.synced_updated_at', '<', eb.ref('c.updated_at'))]))
    .groupBy('c.page_id')
    .execute();
  const streams: StatusReport['streams'] = [];
  for (const page of pages) {
    const watermark = states.find((s) => s.page_id === page.id && s.stream === 'conversations')?.watermark ?? null;
    streams.push({
      pageId: page.id,
      pageName: page.name,
      stream: 'conversations',
      watermark,
      lagSeconds: watermark ? Math.round((now.getTime() - watermark.getTime()) / 1000) : null,
      rows: conversationCounts.get(page.id) ?? 0,
      pending: null,
    });
    streams.push({
      pageId: page.id,
      pageName: page.name,
      stream: 'messages',
      watermark,
      lagSeconds: watermark ? Math.round((now.getTime() - watermark.getTime()) / 1000) : null,
      rows: messageCounts.get(page.id) ?? 0,
      pending: Number(pendingMessages.find((p) => p.page_id === page.id)?.n ?? 0),
    });
  }
  return {
    schema: { applied: schema.applied, pending: schema.pending },
    lastRun: last ? { id: String(last.id), status: last.status, startedAt: last.started_at, finishedAt: last.finished_at, requests: last.requests, errors: last.errors } : null,
    streams,
  };
}

async function countByPage(db: Db, table: 'pancake.conversations' | 'pancake.messages'): Promise<Map<string, number>> {
  const rows = await sql<{ page_id: string; n: string }>`select page_id, count(*) as n from ${sql.table(table)} group by page_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.page_id, Number(r.n)]));
}

function printStatus(report: StatusReport): void {
  const out = process.stdout;
  out.write(`Schema: ${report.schema.applied.length} migration(s) applied${report.schema.pending.length ? `, ${report.schema.pending.length} pending (run \`pancake-sync migrate\`)` : ''}\n`);
  if (report.lastRun) {
    const r = report.lastRun;
    out.write(`Last run: #${r.id} ${r.status}, started ${r.startedAt.toISOString()}${r.finishedAt ? `, finished ${r.finishedAt.toISOString()}` : ''}, ${r.requests} requests\n\n`);
  } else {
    out.write('No sync has run yet.\n');
  }
  printTable(
    report.streams.map((s) => ({
      page: s.pageId,
      name: s.pageName,
      stream: s.stream,
      watermark: s.watermark ? s.watermark.toISOString() : 'never',
      lag: s.lagSeconds === null ? '-' : formatDuration(s.lagSeconds * 1000),
      rows: s.rows,
      pending: s.pending ?? '',
    })),
  );
}
