import { CompiledQuery } from 'kysely';
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

/** The parameters of one statement: `add` binds a value and returns its placeholder. */
export class StatementParams {
  readonly values: unknown[] = [];

  private readonly bound = new Map<string, string>();

  add(value: unknown): string {
    // An instant as its ISO string: pg's own formatting of a Date (local time and offset) is slower.
    this.values.push(value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value);
    return `$${this.values.length}`;
  }

  /**
   * Binds `text` once per statement, however many parts read it (a parent batch's JSON, read by
   * its own upsert and its children's: raw-references.ts), and always cast to the same type.
   */
  shared(text: string): string {
    let placeholder = this.bound.get(text);
    if (placeholder === undefined) this.bound.set(text, (placeholder = this.add(text)));
    return placeholder;
  }
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
  const result = await db.executeQuery<{ changed: string | number }>(CompiledQuery.raw(text, params.values));
  return Number(result.rows[0]?.changed ?? 0);
}

async function writeAlone(db: Queryable, part: WritePart): Promise<number> {
  const params = new StatementParams();
  const result = await db.executeQuery(CompiledQuery.raw(part.render(params), params.values));
  return part.counts ? Number(result.numAffectedRows ?? 0n) : 0;
}
