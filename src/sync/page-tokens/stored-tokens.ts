import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { openPageToken } from './sealing.js';
import { openWarehouse, type Warehouse } from '../../warehouse/db.js';
import { peekSealedToken } from '../../warehouse/page-tokens/sealed-tokens.js';

// doctor reads the page tokens sync stored, so that checking a shop does not generate (and so
// revoke) the token the nightly sync uses. It reads them only from DATABASE_URL, read-only: it
// never starts the embedded Postgres and never writes. Without a stored token it generates one for
// itself and keeps it nowhere (sync generates its own on its first run).

export interface StoredTokens {
  lookup(pageId: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function openStoredTokens(config: Config, log: Logger): Promise<StoredTokens> {
  if (config.databaseUrl === null || config.accessToken === null) return { lookup: async () => null, close: async () => {} };
  let warehouse: Warehouse | null = null;
  try {
    warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, poolSize: 2 });
  } catch (error) {
    log.warn(`doctor could not read the stored page tokens (${error instanceof Error ? error.message : String(error)}); it generates its own`);
    return { lookup: async () => null, close: async () => {} };
  }
  const db = warehouse.db;
  const userToken = config.accessToken;
  return {
    async lookup(pageId) {
      const sealed = await peekSealedToken(db, pageId);
      return sealed === null ? null : openPageToken(userToken, pageId, sealed);
    },
    close: () => warehouse.close(),
  };
}
