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
  // Each question in bold, then (after a paragraph of explanation, maybe) its query.
  const questions = [...section.matchAll(/^\*\*(.+?)\*\*$/gm)];
  return questions.map((m, i) => {
    const body = section.slice(m.index! + m[0].length, questions[i + 1]?.index ?? section.length);
    return { question: m[1]!, query: /```sql\n([\s\S]+?)```/.exec(body)?.[1] ?? '' };
  });
}

describe('README: questions a shop owner asks', () => {
  const questions = readmeQuestions();
  let h: SyncHarness;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 17, pages: 2, conversationsPerPage: 80, historyDays: 60 }, 'analytics_questions');
    const callCenters = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
    const summary = await h.sync({}, { PANCAKE_CALL_CENTER_IDS: callCenters, SYNC_START: '60d', PANCAKE_BUSINESS_HOURS: 'Mon-Sat 08:00-21:00' });
    expect(summary.failures).toEqual([]);
  });
  afterAll(async () => h?.close());

  it('the README asks about inquiries, the queue, opening hours and campaigns among its questions, each with its query', () => {
    expect(questions.length).toBeGreaterThanOrEqual(11);
    for (const q of questions) expect(q.query, q.question).toMatch(/^select /);
    expect(questions.map((q) => q.question)).toEqual(
      expect.arrayContaining([
        'How fast do we answer each inquiry, returning customers included, by employee?',
        'Who is waiting right now, and for how long?',
        'What is our response time in opening hours?',
      ]),
    );
    expect(questions.some((q) => q.query.includes('pancake_analytics.daily_campaigns'))).toBe(true);
  });

  it.each(questions.map((q) => [q.question, q.query]))('%s', async (_question, query) => {
    const { rows } = await sql.raw(query).execute(h.db);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('opening hours shorten some response times and lengthen none', async () => {
    const query = questions.find((q) => q.question === 'What is our response time in opening hours?')!.query;
    const { rows } = await sql.raw<{ median_minutes_in_opening_hours: string | null; median_minutes_on_the_clock: string | null }>(query).execute(h.db);
    const pairs = rows.filter((r) => r.median_minutes_on_the_clock !== null).map((r) => [Number(r.median_minutes_in_opening_hours), Number(r.median_minutes_on_the_clock)]);
    expect(pairs.every(([open, clock]) => open! <= clock!)).toBe(true);
    expect(pairs.some(([open, clock]) => open! < clock!)).toBe(true);
  });
});
