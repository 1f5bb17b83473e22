import { createHash } from 'node:crypto';

// Roles are cluster-wide, databases are not: one shared reader role granted in every warehouse of a
// cluster would let a BI login of one shop read every other. Each warehouse database therefore gets
// its own reader role, named after it.

/**
 * Migration 0007 creates the role under this name: changing the rule would orphan existing roles.
 * `pancake_reader_<database>`: lower-case letters, digits and `_`, within Postgres' 63 characters.
 */
export function readerRoleName(database: string): string {
  const safe = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `pancake_reader_${safe}`;
  if (safe === database && name.length <= 63) return name;
  // Changed or shortened: a hash of the real name keeps two databases from sharing one role.
  return `${name.slice(0, 54)}_${createHash('sha256').update(database).digest('hex').slice(0, 8)}`;
}
