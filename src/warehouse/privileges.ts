import { sql, type Kysely } from 'kysely';
import { UserError } from '../errors.js';
import type { Database } from './schema.js';

// A database user that may not create what the migrations create gets the exact statement an
// administrator runs, not a bare "permission denied".

/** The database user lacks a privilege the sync needs: exit 2 with the GRANT to run. */
export class MissingPrivilegeError extends UserError {}

/** Postgres' insufficient_privilege, wherever it sits in the cause chain. */
export function isPrivilegeError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '42501') return true;
  }
  return false;
}

/** The error to show for a privilege failure while migrating, with the grant that fixes it. */
export async function privilegeAdvice(db: Kysely<Database>, error: unknown): Promise<MissingPrivilegeError> {
  const detail = messageOf(error);
  const who = await sql<{ user: string; database: string }>`select current_user as "user", current_database() as database`
    .execute(db)
    .then((r) => r.rows[0])
    .catch(() => undefined);
  const user = quoteIdent(who?.user ?? 'the_sync_user');
  const database = quoteIdent(who?.database ?? 'the_warehouse');
  const schema = /permission denied for schema (\S+)/.exec(detail)?.[1];
  const grant = schema
    ? `GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(schema)} TO ${user};`
    : /permission denied for database/.test(detail)
      ? `GRANT CREATE ON DATABASE ${database} TO ${user};`
      : `ALTER SCHEMA pancake OWNER TO ${user};  -- or run migrate as the user that owns the schema pancake`;
  return new MissingPrivilegeError(
    `The database user ${user} may not create the warehouse schema (${detail}). ` +
      `Ask the database owner or an administrator to run:\n  ${grant}\nthen run \`pancake-sync migrate\` again.`,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  let e: unknown = error;
  while ((e as { cause?: unknown })?.cause && (e as { code?: unknown }).code !== '42501') e = (e as { cause: unknown }).cause;
  return e instanceof Error ? e.message : String(e);
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
