import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckRow, DoctorReport } from '../../src/doctor/run.js';
import { STREAMS } from '../../src/sync/registry.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// `doctor` against the simulator: a row per page and stream, each status where the shop gives
// cause for it, a capture free of the shop's personal data, and nothing written to the warehouse.

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

describe('doctor', () => {
  let h: SyncHarness;
  let captureDir: string;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 5, pages: 2, conversationsPerPage: 8, historyDays: 30 }, 'doctor');
    captureDir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-capture-'));
  });
  afterAll(async () => {
    await h?.close();
    await rm(captureDir, { recursive: true, force: true });
  });

  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runCli(['doctor', '--json', ...args], simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'warn', ...extra }));
    const report = JSON.parse(result.stdout || 'null') as DoctorReport | null;
    return { ...result, report };
  };
  const find = (rows: CheckRow[], pageId: string, stream: string) => rows.find((r) => r.pageId === pageId && r.stream === stream);

  it('all ok on a healthy shop with every setting: exit 0, and an estimate for --since', async () => {
    const ids = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
    const { code, report, stderr } = await run(['--since', '60d'], { PANCAKE_CALL_CENTER_IDS: ids });
    expect(code, stderr).toBe(0);
    expect(report!.rows).toHaveLength(h.sim.data.pages.length * STREAMS.length);
    expect(report!.rows.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(report!.rows[0]).toMatchObject({ name: h.sim.data.pages[0]!.name, channel: 'facebook' });
    expect(report!.estimate.days).toBe(60);
    expect(report!.estimate.requests).toBeGreaterThan(h.sim.data.pages.length * STREAMS.length);
    expect(report!.estimate.seconds).toBeGreaterThan(0);
  });

  it('needs setting, unavailable and unexpected answer, each where the shop gives cause; a capture without personal data; nothing written', async () => {
    const [first, second] = h.sim.data.pages.map((p) => p.id) as [string, string];
    h.sim.setResponseOverride(({ endpoint, pageId }, answer) => {
      if (endpoint === 'get_page_statistics' && pageId === second) return { status: 404, body: { success: false, message: 'Not found' } };
      if (endpoint === 'list_conversations_v2' && pageId === first) {
        const body = answer.body as { conversations: Array<Record<string, unknown>> };
        return { ...answer, body: { ...body, conversations: body.conversations.map((c) => ({ ...c, updated_at: 1767225600 })) } };
      }
      return answer;
    });
    try {
      const { code, report, stderr } = await run(['--capture', captureDir], { PANCAKE_CALL_CENTER_IDS: `${first}:${h.sim.callCenterId(first)}` });
      expect(code, stderr).toBe(1);
      const rows = report!.rows;
      expect(rows).toHaveLength(2 * STREAMS.length);
      expect(find(rows, second, 'call_logs')).toMatchObject({ status: 'needs setting', detail: expect.stringContaining('PANCAKE_CALL_CENTER_IDS') });
      expect(find(rows, first, 'call_logs')?.status).toBe('ok');
      expect(find(rows, second, 'stats_pages')).toMatchObject({ status: 'unavailable', detail: expect.stringContaining('404') });
      expect(find(rows, first, 'stats_pages')?.status).toBe('ok');
      expect(find(rows, first, 'conversations')).toMatchObject({ status: 'unexpected answer', detail: expect.stringMatching(/conversations\[0\]\.updated_at is a number .*the client reads a string/) });
      expect(find(rows, second, 'conversations')?.status).toBe('ok');
    } finally {
      h.sim.setResponseOverride(null);
    }

    // The capture: the layout, and none of the simulator's names, phone numbers or tokens.
    const files = await filesUnder(captureDir);
    const relative = files.map((f) => path.relative(captureDir, f));
    for (const page of [first, second]) {
      for (const file of ['pages/list_pages.json', 'pages/tags.json', 'pages/users.json', 'pages/page_customers/page_001.json', 'conversations/list_conversations_page_001.json', 'pages/posts/page_001.json', 'pages/statistics/customer_engagements.json']) {
        expect(relative, `${page}/${file}`).toContain(path.join(page, file));
      }
    }
    expect(relative.some((f) => /messages\/[^/]+\/page_001\.json$/.test(f))).toBe(true);
    expect(relative).toContain(path.join(first, 'pages/call_logs/page_001.json'));
    const text = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n') + relative.join('\n');
    const customers = [...h.sim.data.entities.customers.values()].flat();
    const names = new Set(customers.map((c) => String(c.name ?? '')).filter((n) => n.includes(' ')));
    const phones = new Set(customers.flatMap((c) => (c.phone_numbers ?? []).map(String)));
    for (const calls of h.sim.data.entities.callLogs.values()) for (const call of calls) for (const n of [call.caller, call.callee]) if (String(n).length >= 9) phones.add(String(n));
    const psids = new Set(customers.map((c) => String(c.psid ?? '')).filter((p) => p.length >= 6));
    expect(names.size).toBeGreaterThan(5);
    expect(phones.size).toBeGreaterThan(3);
    for (const name of names) expect(text.includes(name), `name ${name}`).toBe(false);
    for (const phone of phones) expect(text.includes(phone), `phone ${phone}`).toBe(false);
    for (const psid of psids) expect(text.includes(psid), `customer id ${psid}`).toBe(false);
    for (const token of [h.sim.userToken, ...[first, second].map((p) => h.sim.pageToken(p))]) expect(text.includes(token)).toBe(false);
    // Structure and timestamps are kept.
    const list = JSON.parse(await readFile(path.join(captureDir, second, 'conversations/list_conversations_page_001.json'), 'utf8')) as { conversations: Array<{ updated_at: string }> };
    expect(list.conversations.length).toBeGreaterThan(0);
    expect(list.conversations[0]!.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

    // Nothing written: no run, no state, no stored token.
    const runs = await h.db.selectFrom('pancake.sync_runs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(runs.n)).toBe(0);
    const pages = await h.db.selectFrom('pancake.pages').select('id').execute();
    expect(pages).toEqual([]);
  });

  it('uses the page tokens sync stored (read-only) instead of generating new ones', async () => {
    expect((await h.sync({ streams: ['tags'] })).exitCode).toBe(0); // stores one token per page
    h.sim.clearRequests();
    const { code, stderr } = await run([], { PANCAKE_CALL_CENTER_IDS: h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',') });
    expect(code, stderr).toBe(0);
    expect(h.sim.requests.filter((r) => r.endpoint === 'generate_page_token')).toEqual([]);
    expect(h.sim.requests.length).toBeGreaterThan(STREAMS.length);
  });
});
