import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import type { SettingValues } from '../settings.js';
import type { Database } from '../warehouse/schema.js';
import type { StorageWarning } from '../warehouse/storage-warnings.js';
import type { RecentFirst } from './recent-first.js';

/** A page being synced, with the zone its day boundaries use. */
export interface PageInfo {
  id: string;
  name: string | null;
  /** IANA zone or a fixed offset zone such as "UTC+7". */
  timezone: string;
  /** The page list's list it is in (activated, inactivated, …) or `unlisted`; absent when unknown. */
  status?: string;
}

/** The settings (src/settings.ts) a stream reads; the rest are the client's or the process's. */
export const STREAM_SETTINGS = ['syncStart', 'lookbackMs', 'safetyLagMs', 'windowDays', 'concurrency', 'conversationPaging', 'callCenterIds', 'statsLookbackDays', 'sweepEveryMs'] as const;

/** Run-wide settings every stream reads: those settings, plus the run's own range and clock. */
export type SyncSettings = Pick<SettingValues, (typeof STREAM_SETTINGS)[number]> & {
  /** `--since`: start no later than this; null → SYNC_START or the watermark. */
  since: Date | null;
  /** `--until`: stop here; null → now minus the safety lag. */
  until: Date | null;
  /** `--sweep`: sweep every list stream in this run, whenever the last sweep was. */
  sweep: boolean;
  now: Date;
};

export interface StreamCounts {
  /** Records read from the API. */
  records: number;
  /** Rows inserted or changed in the warehouse. */
  rowsWritten: number;
  /** Time windows (or parents) finished. */
  unitsDone: number;
  /** How many units this run will walk, once known (for progress and ETAs). */
  unitsTotal?: number | null;
  /** API requests this stream made so far, where it counts them (the run's ETA). */
  requests?: number;
  /** Its estimate of the requests its whole run makes, revised as it learns (the run's ETA). */
  requestsTotal?: number | null;
}

export interface StreamContext {
  /** The end of the stream this one `follows`, when that stream runs in the same run. */
  upstream?: Promise<unknown>;
  page: PageInfo;
  client: PancakeClient;
  db: Kysely<Database>;
  settings: SyncSettings;
  log: Logger;
  counts: StreamCounts;
  /** Where records stored in reduced form are reported (the run summary's warnings); absent: nowhere. */
  onStorageWarning?: (warning: StorageWarning) => void;
  /** The page's newest days (recent-first.ts), for the streams that read them first. */
  recentFirst?: RecentFirst;
  /**
   * Where a stream reports what the operator should know but that did not fail it (a walk the API
   * stopped moving forward): logged once and kept in the run summary's warnings; absent: the log only.
   */
  onWarning?: (warning: { kind: string; message: string }) => void;
}

/**
 * A stream copies one kind of record of one page into its table. It owns how it walks the API and
 * how it resumes; the runner owns pages, locks, errors and the run log.
 */
export interface Stream {
  name: string;
  /** One line for --help and status. */
  description: string;
  /** The table it fills (for status row counts). */
  table?: string;
  /** Streams whose rows this one reads; when selected in the same run, they finish first. */
  after?: readonly string[];
  /**
   * A stream whose rows this one reads AS they are committed: when both are selected, this one
   * runs alongside it and gets `ctx.upstream`, settled when that stream has ended.
   */
  follows?: string;
  /**
   * Set on streams left out of a default run, saying why (e.g. a request that is not in Pancake's
   * API description); `--streams` still selects them.
   */
  optIn?: string;
  /**
   * Its part in reading a page's newest days first (recent-first.ts): `walk` reads the records and
   * pauses past the newest days, `follow` reads what they hold. While they have not caught up, the
   * page's other streams wait: the newest days get the page's whole request budget.
   */
  newestFirst?: 'walk' | 'follow';
  run(ctx: StreamContext): Promise<void>;
  /** What a run would fetch, for --dry-run; reads the warehouse and writes nothing. */
  plan(ctx: StreamContext): Promise<StreamPlan>;
}

export interface StreamPlan {
  /** Units of work: windows, or parents (conversations) to visit. */
  units: number;
  /** A rough count of API requests, for an operator's expectations. */
  estimatedRequests: number;
  /** Requests a stream that `follows` this one is expected to make for what this run stores. */
  followerRequests?: number;
  detail: string;
}
