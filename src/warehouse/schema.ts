import type { Selectable } from 'kysely';
import type { AnyTableDeclaration, TableRow } from './tables/declare.js';
import type * as bookkeeping from './tables/bookkeeping.js';
import type * as inbox from './tables/inbox.js';
import type * as shop from './tables/shop.js';
import type * as statistics from './tables/statistics.js';
import type { SyncRunsTable } from './tables/bookkeeping.js';

// The warehouse schema as kysely sees it: every table declared in tables/ (one declaration per
// table, grouped by concept), by its name. The migrations in ../../migrations create the tables;
// test/integration/table-declarations.test.ts holds the declarations against the database.

export type * from './tables/bookkeeping.js';
export type * from './tables/inbox.js';
export type * from './tables/shop.js';
export type * from './tables/statistics.js';

// A new file of tables/ joins this list; table-declarations.test.ts reads every file of the folder.
type Modules = typeof bookkeeping & typeof inbox & typeof shop & typeof statistics;
type Declarations = { [K in keyof Modules]: Modules[K] extends AnyTableDeclaration ? Modules[K] : never }[keyof Modules];

export type Database = { [T in Declarations as T['table']]: TableRow<T> };

export type SyncRun = Selectable<SyncRunsTable>;
