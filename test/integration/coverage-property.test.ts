import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { Random } from '../../src/simulator/shop/random.js';
import { runSync, type SyncOptions } from '../../src/sync/runner.js';
import { checkCoverage, dyingClient, type Coverage } from '../support/coverage-check.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';

// Coverage never lies (property): random sequences of interrupted, bounded (--since/--until, a
// future --until included) and plain runs, on a still shop and on one that changes between runs.
// After every run the warehouse must hold every record its covered ranges claim, and no covered
// range may shrink. `npm test` runs 12 sequences (37 runs; the first 6 already hold every kind), and
// checks that they hold every kind of run on both shops (plain, backfill, bounded, bounded into the
// future, killed); `npm run test:soak` (test/support/tier.ts) 2,000.
const SEQUENCES = perTier(12, 2000);
const RUN_KINDS = ['plain', 'since', 'since-until', 'future-until', 'killed'];
const DAY = 86_400_000;
const STREAMS = ['conversations', 'messages', 'customers', 'posts'];
// Small windows so that a 40-day history has many windows to be interrupted in.
const ENV = { SYNC_START: '20d', SYNC_WINDOW_DAYS: '3', SYNC_LOOKBACK: '1h' };

describe(`coverage property (${SEQUENCES} random sequences)`, () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 31, pages: 1, conversationsPerPage: 24, historyDays: 40, messagesPerConversation: { min: 1, max: 4 }, entities: { postsPerPage: 12, callLogsPerPage: 0 } }, 'coverage_prop');
  });
  afterAll(async () => h?.close());

  it('after every run of every sequence, each stream holds everything its covered range claims, and coverage only grows', async () => {
    const failures: string[] = [];
    /** `still|plain`, `changing|killed`, …: what the sequences exercised. */
    const exercised = new Set<string>();
    for (let sequence = 0; sequence < SEQUENCES && failures.length === 0; sequence++) {
      const rng = Random.of('coverage-property', sequence);
      const changing = sequence % 2 === 1;
      await sql`truncate pancake.conversations, pancake.messages, pancake.customers, pancake.posts, pancake.sync_state, pancake.conversation_message_state, pancake.conversation_tags, pancake.conversation_assignees cascade`.execute(h.db);
      let previous = new Map<string, Coverage>();
      const steps: string[] = [];
      for (let step = rng.int(2, 4); step > 0; step--) {
        // A change lands at the present, after every watermark stored so far: no range claims it
        // until a run has read it.
        if (changing && rng.chance(0.7)) changeShop(h, rng);
        const now = new Date();
        const options = runOptions(rng, now);
        const calls = rng.chance(0.5) ? rng.int(0, 40) : null;
        steps.push(`${describeRun(options, now)}${calls === null ? '' : `, killed after ${calls} calls`}`);
        const shop = changing ? 'changing' : 'still';
        exercised.add(`${shop}|${runKind(options, now)}`);
        if (calls !== null) exercised.add(`${shop}|killed`);
        const config = h.config(ENV);
        const client = h.client(config);
        await runSync({ config, db: h.db, client: calls === null ? client : dyingClient(client, calls), log: silentLogger }, { ...options, streams: STREAMS });
        const { problems, coverage } = await checkCoverage(h.db, h.sim, new Date());
        for (const [key, was] of previous) {
          const is = coverage.get(key);
          if (was.coveredFrom && (!is?.coveredFrom || is.coveredFrom > was.coveredFrom)) problems.push(`${key}: covered_from moved up`);
          if (was.watermark && (!is?.watermark || is.watermark < was.watermark)) problems.push(`${key}: watermark moved back`);
        }
        if (problems.length > 0) {
          const state = await h.db.selectFrom('pancake.sync_state').selectAll().execute();
          failures.push(`sequence ${sequence}${changing ? ' (changing shop)' : ''}: ${steps.join(' → ')}\n  ${problems.slice(0, 5).join('\n  ')}\n  before: ${JSON.stringify([...previous])}\n  state: ${JSON.stringify(state)}`);
          break;
        }
        previous = coverage;
      }
    }
    expect(failures).toEqual([]);
    expect([...exercised].sort()).toEqual(['changing', 'still'].flatMap((shop) => RUN_KINDS.map((kind) => `${shop}|${kind}`)).sort());
  }, perTier(600_000, 3_600_000));
});

/** A plain run (SYNC_START), a backfill or extension (--since), or a bounded one (--since/--until, sometimes in the future). */
function runOptions(rng: Random, now: Date): SyncOptions {
  const kind = rng.int(0, 2);
  if (kind === 0) return {};
  const since = new Date(now.getTime() - rng.int(1, 42) * DAY - rng.int(0, DAY));
  if (kind === 1) return { since };
  const until = new Date(Math.min(since.getTime() + rng.int(1, 30) * DAY, now.getTime() + 3 * DAY));
  return { since, until };
}

function runKind(options: SyncOptions, now: Date): string {
  if (!options.since) return 'plain';
  if (!options.until) return 'since';
  return options.until > now ? 'future-until' : 'since-until';
}

function describeRun(options: SyncOptions, now: Date): string {
  const days = (d: Date) => `${((d.getTime() - now.getTime()) / DAY).toFixed(1)}d`;
  if (!options.since) return 'plain';
  return options.until ? `--since ${days(options.since)} --until ${days(options.until)}` : `--since ${days(options.since)}`;
}

function changeShop(h: SyncHarness, rng: Random): void {
  const pageId = h.sim.data.pages[0]!.id;
  const conversations = h.sim.data.conversations.get(pageId) ?? [];
  const kind = rng.int(0, 3);
  if (kind === 0) h.sim.addMessages(rng.pick(conversations).id, rng.int(1, 3));
  else if (kind === 1) h.sim.touchConversation(rng.pick(conversations).id);
  else if (kind === 2) {
    // The simulator dates a new conversation's customer somewhere in the conversation's past; a
    // real shop writes it now. Bring it to the present, or it would be a record born inside a
    // covered range (only the lookback can catch those, and only within its reach).
    const conversation = h.sim.addConversation(pageId);
    if (typeof conversation.customer_id === 'string') h.sim.editCustomer(conversation.customer_id);
  }
  else h.sim.editCustomer(rng.pick(h.sim.data.entities.customers.get(pageId) ?? []).id);
}
