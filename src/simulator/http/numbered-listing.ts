// How the API orders and pages customers, call logs and posts: by one time field, newest first, ties
// broken by id (descending, as strings); since/until compare whole unix seconds, both ends included;
// page numbers count from 1 and a page past the last one is empty.

import type { SimulatorData } from '../shop/model.js';
import { parseApiTime, unixSeconds } from '../shop/time.js';

interface Row<T> {
  record: T;
  id: string;
  ms: number;
}

interface SortedView {
  revision: number;
  rows: Array<Row<unknown>>;
}

// Per data set, so two simulators in one process never share a cache; rebuilt when data.revision moves.
const views = new WeakMap<SimulatorData, Map<string, SortedView>>();

/** `records` sorted newest first by `field`, cached until the data changes. */
export function sortedBy<T>(data: SimulatorData, key: string, records: readonly T[], field: keyof T & string, idOf: (record: T) => string): ReadonlyArray<Row<T>> {
  let cache = views.get(data);
  if (!cache) views.set(data, (cache = new Map()));
  const cached = cache.get(key);
  if (cached && cached.revision === data.revision) return cached.rows as Array<Row<T>>;
  const rows = records.map((record) => ({ record, id: idOf(record), ms: parseApiTime(String(record[field])) }));
  rows.sort((a, b) => (a.ms !== b.ms ? b.ms - a.ms : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  cache.set(key, { revision: data.revision, rows });
  return rows;
}

export interface Slice<T> {
  /** Rows matching since/until, over all pages. */
  total: number;
  records: T[];
}

/** One numbered page of the rows whose time lies in [since, until] (null: unbounded). */
export function numberedPage<T>(rows: ReadonlyArray<Row<T>>, filter: { since: number | null; until: number | null; keep?: (record: T) => boolean }, pageNumber: number, pageSize: number): Slice<T> {
  const matching = rows.filter((row) => {
    const second = unixSeconds(row.ms);
    if (filter.since !== null && second < filter.since) return false;
    if (filter.until !== null && second > filter.until) return false;
    return filter.keep ? filter.keep(row.record) : true;
  });
  const start = (pageNumber - 1) * pageSize;
  return { total: matching.length, records: matching.slice(start, start + pageSize).map((row) => row.record) };
}
