import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncHarness, REPO_ROOT, type SyncHarness } from '../support/harness.js';

// The README's "Questions a shop owner asks", read from README.md itself so that the two cannot
// drift apart, run against a synced simulator: every query must run and return rows.

function readmeQuestions(): Array<{ question: string; query: string }> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Questions a shop owner asks');
  const end = readme.indexOf('\n## ', start);
  const section = readme.slice(start, end);
  return [...section.matchAll(/\*\*(.+?)\*\*\s+```sql\n([\s\S]+?)```/g)].map((m) => ({ question: m[1]!, query: m[2]! }));
}

describe('README: questions a shop owner asks', () => {
  const questions = readmeQuestions();
  let h: SyncHarness;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 17, pages: 2, conversationsPerPage: 80, historyDays: 60 }, 'analytics_questions');
    const callCenters = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
    const summary = await h.sync({}, { PANCAKE_CALL_CENTER_IDS: callCenters, SYNC_START: '60d' });
    expect(summary.failures).toEqual([]);
  });
  afterAll(async () => h?.close());

  it('the README asks about nine questions, each with its query (the campaigns one among them)', () => {
    expect(questions.length).toBeGreaterThanOrEqual(9);
    expect(questions.some((q) => q.query.includes('pancake_analytics.daily_campaigns'))).toBe(true);
  });

  it.each(questions.map((q) => [q.question, q.query]))('%s', async (_question, query) => {
    const { rows } = await sql.raw(query).execute(h.db);
    expect(rows.length).toBeGreaterThan(0);
  });
});
