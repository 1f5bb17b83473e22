// Reading a capture directory (layout: see replay-server.ts) and the API's list rules the replay
// server applies to its records: newest first, ties by id, windows of whole seconds, both ends included.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApiTimestamp } from '../../src/pancake/time.js';

export type Json = Record<string, unknown>;
export type Row = Json & { id?: unknown };

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** `page_001.json`, `page_002.json`, … (or any prefix), in number order; empty when the folder is missing. */
export function numberedFiles(dir: string, prefix = 'page_'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort((a, b) => Number(/(\d+)\.json$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.json$/.exec(b)?.[1] ?? 0))
    .map((f) => join(dir, f));
}

export function listed(dir: string): Json[] {
  const path = join(dir, 'pages/list_pages.json');
  if (!existsSync(path)) return [];
  const body = readJson(path) as { categorized?: { activated?: Json[] } };
  return body.categorized?.activated ?? [];
}

export function pageIdOf(dir: string): string {
  const summary = join(dir, 'run_summary.json');
  const fromSummary = existsSync(summary) ? (readJson(summary) as Json).page_id : undefined;
  if (typeof fromSummary === 'string' && fromSummary !== '') return fromSummary;
  const pages = listed(dir);
  if (pages.length === 1 && typeof pages[0]?.id === 'string') return pages[0].id;
  throw new Error(`Cannot tell which page ${dir} holds: write its id into run_summary.json as {"page_id": "…"}`);
}

/** The records of numbered capture files under `key`, in file order, the first copy of an id kept. */
export function records(files: string[], key: string): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const file of files) {
    for (const row of ((readJson(file) as Json)[key] ?? []) as Row[]) {
      const id = row && typeof row === 'object' ? String(row.id ?? row.call_id ?? '') : '';
      if (id !== '' && seen.has(id)) continue;
      seen.add(id);
      out.push(row);
    }
  }
  return out;
}

/** A record's time in `field`; a conversation without updated_at (the official WhatsApp example) stands at its inserted_at. */
function timeOf(row: Row, field: string): Date | null {
  return parseApiTimestamp(row[field] ?? (field === 'updated_at' ? row.inserted_at : undefined));
}

export function secondsOf(row: Row, field: string): number | null {
  const at = timeOf(row, field);
  return at ? Math.floor(at.getTime() / 1000) : null;
}

/** Newest first by `field`, ties by id descending (the simulator's rule too). */
export function newestFirst(rows: Row[], field: string): Row[] {
  const key = (r: Row) => String(r.id ?? r.call_id ?? '');
  const ms = (r: Row) => timeOf(r, field)?.getTime() ?? 0;
  return [...rows].sort((a, b) => ms(b) - ms(a) || (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

export function inRange(rows: Row[], field: string, since: number | null, until: number | null): Row[] {
  if (since === null && until === null) return rows;
  return rows.filter((row) => {
    const s = secondsOf(row, field);
    return s !== null && (since === null || s >= since) && (until === null || s <= until);
  });
}
