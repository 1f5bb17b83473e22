import { Command } from 'commander';
import { EXIT_OK, loadContext, withExitCode } from './shared.js';
import { openWarehouse } from '../warehouse/db.js';
import { migrateToLatest } from '../warehouse/migrate.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or upgrade the warehouse schema (a no-op when it is up to date)')
    .action(withExitCode(async () => {
      const { config, log } = loadContext();
      const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, logger: log });
      try {
        const { applied } = await migrateToLatest(warehouse.db);
        process.stdout.write(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The warehouse schema is up to date.\n');
      } finally {
        await warehouse.close();
      }
      return EXIT_OK;
    }));
}
