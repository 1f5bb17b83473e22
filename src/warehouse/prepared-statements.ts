// The statements a sync runs thousands of times (write-together.ts: an API page's rows and the
// checkpoint that covers them) are prepared once per connection and then executed by name, so their
// text (3 to 4 KB each) crosses the wire and is parsed and analysed by Postgres once per connection
// instead of once per API page. Measured on the busy shop of the CPU benchmark (bench/README.md,
// "CPU per request", 3 × 1,000 conversations): 3,865 statements of 20 distinct texts carried
// 13.1 MB of statement text, 12.7 % of the 103.5 MB sent to Postgres.
//
// Which texts get a name is decided here, not by the connection: only texts that write-together
// built (a handful of shapes, each repeated per API page), and at most MAX_NAMED of them per
// process, as Postgres keeps every prepared statement of a session until it ends. A name stands for
// one text for the life of the process, so a connection never meets one name with two texts.
//
// Behind a pooler in transaction mode (PgBouncer before 1.21 and others), a session's prepared
// statements do not follow the client from one transaction to the next: DATABASE_PREPARED_STATEMENTS=off
// sends every statement with its text (connection.ts).

/** Distinct statement texts named per process: a few dozen are built; more means shapes vary per batch, and those are not worth preparing. */
const MAX_NAMED = 200;
/**
 * The named texts by length. Each batch builds its statement's text anew, so a Map keyed by the text
 * hashed all 3 to 4 KB of every batch's new string: half a percent of the sync's CPU. Texts of one
 * length are few, and comparing two of them stops at the first difference.
 */
const namesByLength = new Map<number, Array<{ text: string; name: string }>>();
let named = 0;

/** Marks `text` as one to prepare: connections that prepare statements run it by name. */
export function prepareWhenRun(text: string): void {
  if (named >= MAX_NAMED || statementName(text) !== undefined) return;
  let sameLength = namesByLength.get(text.length);
  if (!sameLength) namesByLength.set(text.length, (sameLength = []));
  sameLength.push({ text, name: `pancake_sync_${++named}` });
}

/** The name `text` is prepared under, if it was marked. */
export function statementName(text: string): string | undefined {
  const sameLength = namesByLength.get(text.length);
  if (sameLength) for (const entry of sameLength) if (entry.text === text) return entry.name;
  return undefined;
}
