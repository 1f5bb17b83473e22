import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_entities.js';
import * as m0003 from './0003_statistics.js';
import * as m0004 from './0004_analytics.js';
import * as m0005 from './0005_real_shops.js';
import * as m0006 from './0006_page_tokens.js';
import * as m0007 from './0007_hardening.js';
import * as m0008 from './0008_analytics.js';
import * as m0009 from './0009_customer_birth_year.js';
import * as m0010 from './0010_season.js';
import * as m0011 from './0011_sweep.js';
import * as m0012 from './0012_owner_only_locks.js';
import * as m0013 from './0013_pancake_names.js';
import * as m0014 from './0014_inquiries.js';
import * as m0015 from './0015_quiet_notes.js';

/**
 * Every migration, in order. A static list (not a folder scan) so that the compiled package and the
 * TypeScript sources run the same set, wherever they are installed.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_entities': m0002,
  '0003_statistics': m0003,
  '0004_analytics': m0004,
  '0005_real_shops': m0005,
  '0006_page_tokens': m0006,
  '0007_hardening': m0007,
  '0008_analytics': m0008,
  '0009_customer_birth_year': m0009,
  '0010_season': m0010,
  '0011_sweep': m0011,
  '0012_owner_only_locks': m0012,
  '0013_pancake_names': m0013,
  '0014_inquiries': m0014,
  '0015_quiet_notes': m0015,
};
