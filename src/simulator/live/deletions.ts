// Records deleted in Pancake: a conversation, customer, post or tag vanishes from every listing
// (and a deleted conversation's messages answer 404), while the statistics keep counting what it
// did. A deleted record may come back (restored, re-imported): it is listed again as it was.
// Pancake's documents say nothing of deletion; this is the behaviour a sync must survive
// (docs/simulator.md, "Time, late records and deletions").

import type { SimulatorData, DeletableKind } from '../shop/model.js';

interface Listed {
  pageId: string;
  /** The listing the record lives in while it exists, and its archive once deleted. */
  live: Array<{ id: string | number }>;
  archive: Array<{ id: string | number }>;
}

/**
 * Where a record of `kind` with `id` lives (or lived): on `pageId`, or on the one page that has such
 * a record. Tag ids are a page's own (two pages may both have a tag 87): without a page, an id
 * several pages hold is an error rather than a guess. Null when the simulator never had it.
 */
function locate(data: SimulatorData, kind: DeletableKind, id: string, pageId?: string): Listed | null {
  const pages = pageId === undefined ? data.pages.map((p) => p.id) : [pageId];
  const found: Listed[] = [];
  for (const page of pages) {
    const [live, archive] = lists(data, kind, page);
    if (live.some((r) => String(r.id) === id) || archive.some((r) => String(r.id) === id)) found.push({ pageId: page, live, archive });
  }
  if (found.length > 1) throw new Error(`${found.length} pages have a ${kind} ${id} (${found.map((f) => f.pageId).join(', ')}): name the page`);
  return found[0] ?? null;
}

/** The key of a deleted record in `data.deleted.at`: `${kind}:${pageId}:${id}` (tag ids repeat across pages). */
export function deletedKey(kind: DeletableKind, pageId: string, id: string): string {
  return `${kind}:${pageId}:${id}`;
}

/** A key of `data.deleted.at` read back. */
export function parseDeletedKey(key: string): { kind: DeletableKind; pageId: string; id: string } {
  const [kind, pageId, ...id] = key.split(':');
  return { kind: kind as DeletableKind, pageId: pageId ?? '', id: id.join(':') };
}

function lists(data: SimulatorData, kind: DeletableKind, pageId: string): [Array<{ id: string | number }>, Array<{ id: string | number }>] {
  const of = <T>(map: Map<string, T[]>): T[] => {
    let list = map.get(pageId);
    if (!list) map.set(pageId, (list = []));
    return list;
  };
  switch (kind) {
    case 'conversation':
      return [of(data.conversations), of(data.deleted.conversations)];
    case 'customer':
      return [of(data.entities.customers), of(data.deleted.customers)];
    case 'post':
      return [of(data.entities.posts), of(data.deleted.posts)];
    case 'tag':
      return [of(data.tags), of(data.deleted.tags)];
  }
}

/** Moves one record between its listing and its archive; false when it is already where it goes. */
function move(data: SimulatorData, kind: DeletableKind, id: string, deleting: boolean, pageId?: string): string | null {
  const found = locate(data, kind, id, pageId);
  if (!found) throw new Error(`No ${kind} ${id} in this simulator${pageId === undefined ? '' : ` on page ${pageId}`}`);
  const [from, to] = deleting ? [found.live, found.archive] : [found.archive, found.live];
  const index = from.findIndex((r) => String(r.id) === id);
  if (index < 0) return null;
  const [record] = from.splice(index, 1);
  to.push(record!);
  if (kind === 'conversation') {
    const [messagesFrom, messagesTo] = deleting ? [data.messages, data.deleted.messages] : [data.deleted.messages, data.messages];
    messagesTo.set(id, messagesFrom.get(id) ?? []);
    messagesFrom.delete(id);
    if (deleting) data.conversationById.delete(id);
    else data.conversationById.set(id, record as never);
  }
  data.revision++;
  return found.pageId;
}

/** Deletes a record at `atMs`: it leaves every listing. False when it was deleted already. */
export function deleteRecord(data: SimulatorData, kind: DeletableKind, id: string, atMs: number, pageId?: string): boolean {
  const page = move(data, kind, id, true, pageId);
  if (page !== null) data.deleted.at.set(deletedKey(kind, page, id), atMs);
  return page !== null;
}

/** Brings a deleted record back, unchanged. False when it was not deleted. */
export function restoreRecord(data: SimulatorData, kind: DeletableKind, id: string, pageId?: string): boolean {
  const page = move(data, kind, id, false, pageId);
  if (page !== null) data.deleted.at.delete(deletedKey(kind, page, id));
  return page !== null;
}
