import { sleep } from '../sleep.js';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { statementName } from './prepared-statements.js';

// The database can restart, fail over or have our backends terminated while a run is going. No
// connection may then take the process down with an unhandled 'error' event, and whatever is safe
// to redo is redone once the server answers again.

/** How long opening one connection (TCP, TLS, authentication) may take before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface PoolOptions {
  connectTimeoutMs?: number;
  /** Run the statements marked in prepared-statements.ts by name (default true; DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
}

/**
 * A pool whose connections never emit an unhandled 'error', checked out or idle. Only opening a
 * connection is bounded (`connectTimeoutMs`): waiting for a connection that another stream is using
 * is not, so a run on a busy host goes slower rather than failing streams because the pool was busy
 * (pg-pool's connectionTimeoutMillis would bound both).
 */
export function createPool(url: string, max: number, options: PoolOptions = {}): pg.Pool {
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const prepare = options.preparedStatements ?? true;
  class BoundedConnectClient extends pg.Client {
    constructor(config: pg.ClientConfig = {}) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
      if (prepare) this.query = runMarkedByName(this.query.bind(this));
    }
  }
  const pool = new pg.Pool({ connectionString: url, max, keepAlive: true, Client: BoundedConnectClient });
  // An idle connection that dies: the pool drops it by itself; without a listener, the event crashes.
  pool.on('error', () => undefined);
  // A checked-out connection that dies between two queries (pg-pool removes its own listener while a
  // connection is lent out): its next query fails with the reason, where the caller handles it, and
  // the pool discards it when it comes back.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/**
 * `query` that runs a text marked in prepared-statements.ts as a named statement: pg parses it on
 * this connection the first time, and afterwards sends only its name and parameters.
 */
function runMarkedByName(query: pg.Client['query']): pg.Client['query'] {
  return ((...args: unknown[]) => {
    const [text, values] = args;
    const name = args.length <= 2 && typeof text === 'string' && (values === undefined || Array.isArray(values)) ? statementName(text) : undefined;
    return name ? query({ name, text: text as string, values: values as unknown[] | undefined }) : (query as (...a: unknown[]) => unknown)(...args);
  }) as pg.Client['query'];
}

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
// pg words a connection that did not open within connectionTimeoutMillis "timeout expired" (pg-pool: "Connection
// terminated due to connection timeout"): on a loaded host that is a wait, not a bad statement.
const CONNECTION_MESSAGE = /connection terminated|not queryable|connection error|terminating connection|server closed the connection|the database system is (?:starting up|shutting down|in recovery)|timeout exceeded when trying to connect|timeout expired|terminated due to connection timeout|connect ECONNREFUSED|Connection refused/i;

/**
 * Whether an error means the connection or the server went away (rather than a bad statement):
 * the work can be redone once the server answers again.
 */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (e instanceof Error && CONNECTION_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** Waits between attempts: ~45 s in all, longer than a server restart or a failover usually takes. */
export const RECONNECT_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000, 15_000];

/**
 * Runs `fn`, and runs it again after a pause when it fails because the database connection was
 * lost. Only for work that is safe to repeat (idempotent writes, a stream that resumes from its
 * last commit). Other errors, and the last connection error, are thrown.
 */
export async function retryOnConnectionLoss<T>(fn: () => Promise<T>, options: { what: string; log?: Logger; delaysMs?: readonly number[] }): Promise<T> {
  const delays = options.delaysMs ?? RECONNECT_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !isConnectionError(error)) throw error;
      options.log?.warn({ err: error }, `lost the database connection during ${options.what}; trying again in ${delay / 1000} s (attempt ${attempt + 2} of ${delays.length + 1})`);
      await sleep(delay);
    }
  }
}
