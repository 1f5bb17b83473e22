import { Command } from 'commander';
import { EXIT_OK } from '../errors.js';
import { loadContext, withExitCode } from './command-context.js';
import { openWarehouse } from '../warehouse/db.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import { applyReaderRole, readerRoleOf } from '../warehouse/reader-role.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or upgrade the warehouse schema (a no-op when it is up to date)')
    .action(withExitCode(async () => {
      const { config, log } = loadContext();
      const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, logger: log });
      try {
        const { applied } = await migrateToLatest(warehouse.db, { log });
        process.stdout.write(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The warehouse schema is up to date.\n');
        await applyReaderRole(warehouse.db);
        const reader = await readerRoleOf(warehouse.db);
        process.stdout.write(
          reader.exists
            ? `Read-only role of this database, for BI logins: ${reader.name} (create role bi login password '...' in role ${reader.name};)\n`
            : `The read-only role ${reader.name} could not be created (no CREATEROLE): ask an administrator to run \`create role ${reader.name} nologin;\`, then run migrate again.\n`,
        );
      } finally {
        await warehouse.close();
      }
      return EXIT_OK;
    }));
}
