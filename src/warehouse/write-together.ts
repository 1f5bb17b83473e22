import { CompiledQuery } from 'kysely';
import { prepareWhenRun } from './prepared-statements.js';
import { forgetParents } from './raw-references.js';
import type { Queryable } from './table-spec.js';

// Writes that must commit together (an API page's rows and the checkpoint that covers them) as ONE
// statement: each write a data-modifying CTE, the statement its own transaction. Measured on the
// CPU benchmark (bench/README.md, "CPU per request"): a messages batch took begin, three upserts,
// the state write and commit, six round trips, each costing this process a query submission, a
// socket write that wakes the server, a result to parse and their promises; one statement costs
// one of each. The SQL text is built as a plain string (no query builder per batch); its one big
// parameter per upsert is a flat string from one JSON.stringify (row-json.ts), so pg encodes it to
// UTF-8 in one pass without first flattening a rope of small strings. Instants are bound as ISO
// strings: pg's own Date formatting (local time and offset) showed in the profile.
//
// Each API item is sent once per statement (issue 26): a child table's rows whose raw is an item
// of their parent's raw (attachments, tags, tag and assignment histories, ad clicks) read it from
// the parent's JSON in SQL, and the deletion of a child table's rows no longer listed reads the
// parents from it too (raw-references.ts); StatementParams.shared binds that JSON once. Measured on
// the busy shop of the CPU benchmark, 3 × 300 conversations (bench/README.md, "CPU per request"):
// 34.6 MB to Postgres for 23.3 MB from the API (1.49) before, 32.7 MB with the children's raws read
// from the parent, 31.1 MB with the deletions' parents, 30.6 MB (1.31) with column names unquoted;
// the rows stored are the same. Left out: deriving the children's typed columns and keys in SQL too
// (the mappings would then exist twice, in TypeScript and in SQL), and shorter statement text
// through functions on the server (every batch's columns differ with what it copies from raw).
// Instead, each statement's text goes once per connection (prepared-statements.ts): 20 distinct
// texts carried 13.1 of the 103.5 MB the busy shop's 3 × 1,000 backfill sent, 91.5 MB without them.

/** The parameters of one statement: `add` binds a value and returns its placeholder. */
export class StatementParams {
  readonly values: unknown[] = [];

  /** Texts bound by `shared`, with their placeholders: a handful per statement, compared as they are. */
  private readonly bound: Array<[text: string, placeholder: string]> = [];

  add(value: unknown): string {
    // An instant as its ISO string: pg's own formatting of a Date (local time and offset) is slower.
    this.values.push(value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value);
    return `$${this.values.length}`;
  }

  /**
   * Binds `text` once per statement, however many parts read it (a parent batch's JSON, read by
   * its own upsert and its children's: raw-references.ts). Always read as `$n::jsonb`: it is sent
   * in jsonb's binary form (`sent`).
   */
  shared(text: string): string {
    for (const [bound, placeholder] of this.bound) if (bound === text) return placeholder;
    const placeholder = this.add(text);
    this.bound.push([text, placeholder]);
    return placeholder;
  }

  /**
   * The values as the statement sends them: each `shared` text as jsonb's binary form, a version
   * byte then the text in UTF-8, which pg sends as it is. The text is then garbage at once, while
   * the statement may wait for a connection and its result for a long time: kept as a string until
   * then (pg holds a query's values until it completes), a batch's JSON outlived the young
   * generation and was copied by every scavenge meanwhile.
   */
  sent(): unknown[] {
    if (this.bound.length === 0) return this.values;
    const values = [...this.values];
    for (const [text, placeholder] of this.bound) values[Number(placeholder.slice(1)) - 1] = jsonbBinary(text);
    return values;
  }
}

/** Texts up to this many UTF-16 units are encoded in one pass (jsonbBinary): 3 bytes per unit at most, 12 MB of scratch. */
const ONE_PASS_CHARS = 4 * 1024 * 1024;
let scratch = Buffer.alloc(0);

/**
 * jsonb's binary wire form: the format version (1), then the JSON text in UTF-8. Encoded once into
 * a scratch buffer as large as the longest UTF-8 the text can make and copied out at its size:
 * measuring the UTF-8 length first (Buffer.byteLength) was a second pass over every batch's JSON,
 * 0.9 % of the sync's CPU on the current shop (perf, 2 × 5,000), and the copy costs a fraction of it.
 */
function jsonbBinary(text: string): Buffer {
  if (text.length > ONE_PASS_CHARS) {
    const buffer = Buffer.allocUnsafe(Buffer.byteLength(text) + 1);
    buffer[0] = 1;
    buffer.write(text, 1);
    return buffer;
  }
  const longest = text.length * 3 + 1;
  if (scratch.length < longest) scratch = Buffer.allocUnsafe(Math.max(longest, 64 * 1024));
  scratch[0] = 1;
  const written = scratch.write(text, 1);
  return Buffer.from(scratch.subarray(0, written + 1));
}

/**
 * Parameter text one statement carries at most (JSON of a batch): a few huge records must not add
 * up past what one string, or one protocol message, holds. Parts beyond it are sent one by one, in
 * one transaction.
 */
export const STATEMENT_CHARS = 64 * 1024 * 1024;

/** One write of a statement: its SQL given the statement's parameters. */
export interface WritePart {
  /** Characters of parameter text it binds (its rows' JSON). */
  size: number;
  /**
   * The data-modifying statement, without `returning`; `counts` parts get `returning 1` so the
   * statement can tell how many rows they changed.
   */
  render(params: StatementParams): string;
  counts: boolean;
}

/**
 * Runs `parts` as one statement (atomic: a statement is its own transaction, or part of the
 * caller's) and returns the rows the counting parts changed. Triggers see the statement as one
 * too: statement-level AFTER triggers fire once per table, at its end, in the same transaction.
 */
export async function writeTogether(db: Queryable, parts: readonly WritePart[]): Promise<number> {
  if (parts.length === 0) return 0;
  if (parts.length === 1) return writeAlone(db, parts[0]!);
  if (parts.reduce((sum, part) => sum + part.size, 0) > STATEMENT_CHARS) {
    const oneByOne = async (trx: Queryable): Promise<number> => {
      let changed = 0;
      for (const part of parts) changed += await writeAlone(trx, part);
      return changed;
    };
    return db.isTransaction ? oneByOne(db) : db.transaction().execute(oneByOne);
  }
  const params = new StatementParams();
  const ctes: string[] = [];
  const counted: string[] = [];
  parts.forEach((part, i) => {
    const name = `w${i}`;
    ctes.push(`${name} as (${part.render(params)}${part.counts ? ' returning 1' : ''})`);
    if (part.counts) counted.push(`(select count(*) from ${name})`);
  });
  const text = `with ${ctes.join(', ')} select ${counted.length > 0 ? counted.join(' + ') : '0'} as changed`;
  prepareWhenRun(text);
  // Its batches are parents of no later statement's rows: kept, they would outlive the young generation.
  forgetParents();
  const result = await db.executeQuery<{ changed: string | number }>(CompiledQuery.raw(text, params.sent())).catch(withPoolerAdvice);
  return Number(result.rows[0]?.changed ?? 0);
}

async function writeAlone(db: Queryable, part: WritePart): Promise<number> {
  const params = new StatementParams();
  const text = part.render(params);
  prepareWhenRun(text);
  forgetParents();
  const result = await db.executeQuery(CompiledQuery.raw(text, params.sent())).catch(withPoolerAdvice);
  return part.counts ? Number(result.numAffectedRows ?? 0n) : 0;
}

/**
 * A prepared statement the connection had and the server no longer knows (26000), or one it
 * already has under that name (42P05): what a pooler in transaction mode does to a session's
 * prepared statements, passing each transaction to another server connection. Says what to set.
 */
function withPoolerAdvice(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== '26000' && code !== '42P05') throw error;
  const said = error instanceof Error ? error.message : String(error);
  throw new Error(
    `${said}: the statements prepared on this connection are gone, as behind a connection pooler in transaction mode (PgBouncer before 1.21 and the like). ` +
      'Set DATABASE_PREPARED_STATEMENTS=off, or connect to Postgres directly or through a session-mode pool; the next run resumes where this one stopped',
    { cause: error },
  );
}
