import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ApiAnswer } from '../pancake/client.js';
import { isRecord } from '../pancake/http.js';
import { jsonText } from '../warehouse/storable.js';
import type { Anonymizer } from './anonymize.js';

// `doctor --capture DIR` writes the answers it received in the layout of real captures (see
// docs/pancake-api.md, "Captures"), one directory per page, ready for a bug report and for the
// replay server of the tests:
//   <page>/pages/list_pages.json                 (the page list, narrowed to this page)
//   <page>/pages/generate_page_access_token.json (when a token was generated; the token removed)
//   <page>/pages/tags.json, pages/users.json
//   <page>/pages/page_customers/page_001.json, pages/posts/page_001.json, pages/call_logs/page_001.json
//   <page>/pages/statistics/<endpoint>.json
//   <page>/conversations/list_conversations_page_001.json
//   <page>/messages/<conversation_id>/page_001.json
// Page and conversation ids come from the API: each becomes a folder name through captureName,
// which no id can turn into `..`, a separator or a name over the file system's limit, and every
// file is checked to lie inside DIR before it is written.

/**
 * The capture folder, checked before any request: named, a folder (made if missing) that this
 * process may write into. Returns its absolute path; a problem is a UsageError (exit 2).
 */
export async function prepareCaptureDir(dir: string): Promise<string> {
  const example = '(example: --capture ./pancake-capture)';
  if (dir.trim() === '') throw new UsageError(`--capture needs a folder to write into, got an empty name ${example}`);
  const absolute = path.resolve(dir);
  const found = await stat(absolute).catch(() => null);
  if (found !== null && !found.isDirectory()) throw new UsageError(`--capture ${dir} is not a folder (${absolute} is a file): name a folder, new or existing ${example}`);
  try {
    if (found === null) await mkdir(absolute, { recursive: true });
    await access(absolute, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`--capture ${dir}: cannot ${found === null ? 'create' : 'write into'} ${absolute} (${code}): name a folder this user may write ${example}`);
  }
  return absolute;
}

/** A name any file system takes (well under 255 bytes) that no id can make traverse. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,79}$/;

/**
 * The folder name of an id: the id itself when it is plain (what real ids are, so fixtures keep
 * their names), else a readable prefix of its safe characters and a short hash of the whole id.
 */
export function captureName(id: string): string {
  if (PLAIN_NAME.test(id)) return id;
  const prefix = id.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+/, '').slice(0, 40);
  return `${prefix}~${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

/** Where an answer goes inside its page's directory, as path segments (ids raw); null for answers the layout has no place for. */
export function capturePlace(answer: ApiAnswer): { segments: string[]; ids: number[] } | null {
  const p = answer.path;
  if (answer.base === 'user') {
    if (p === '/pages') return fixed('pages/list_pages.json');
    if (/^\/pages\/[^/]+\/generate_page_access_token$/.test(p)) return fixed('pages/generate_page_access_token.json');
    return null;
  }
  const rest = /^\/pages\/[^/]+(\/.*)$/.exec(p)?.[1];
  if (rest === undefined) return null;
  if (rest === '/conversations') return fixed('conversations/list_conversations_page_001.json');
  const messages = /^\/conversations\/([^/]+)\/messages$/.exec(rest);
  if (messages) return { segments: ['messages', decoded(messages[1]!), 'page_001.json'], ids: [1] };
  if (rest === '/tags') return fixed('pages/tags.json');
  if (rest === '/users') return fixed('pages/users.json');
  if (rest === '/page_customers') return fixed('date_range' in answer.query ? 'pages/statistics/new_customers.json' : 'pages/page_customers/page_001.json');
  if (rest === '/posts') return fixed('pages/posts/page_001.json');
  if (rest === '/sip_call_logs') return fixed('pages/call_logs/page_001.json');
  const statistics = /^\/statistics\/([\w-]+)$/.exec(rest);
  if (statistics) return fixed(`pages/statistics/${statistics[1]}.json`);
  return null;
}

function fixed(relative: string): { segments: string[]; ids: number[] } {
  return { segments: relative.split('/'), ids: [] };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The page list as if the token read only `pageId`: each page's directory stands alone. */
function narrowedPageList(body: unknown, pageId: string): unknown {
  if (!isRecord(body)) return body;
  const only = (list: unknown) => (Array.isArray(list) ? list.filter((p) => isRecord(p) && String(p.id) === pageId) : list);
  const categorized = isRecord(body.categorized)
    ? { ...body.categorized, activated: only(body.categorized.activated), activated_page_ids: [pageId] }
    : body.categorized;
  return { ...body, ...(body.categorized !== undefined && { categorized }), ...(body.pages !== undefined && { pages: only(body.pages) }) };
}

/**
 * An answer as a capture file holds it: indented; an answer nested too deep for JSON.stringify
 * (thousands of levels, which the sync stores too) is written compact, by a writer with a stack of
 * its own.
 */
function captureJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return jsonText(value);
  }
}

/** Writes every page's answers; returns the files written, relative to `dir`. */
export async function writeCapture(dir: string, answers: readonly ApiAnswer[], pageIds: readonly string[], anonymizer: Anonymizer): Promise<string[]> {
  for (const answer of answers) anonymizer.collect(answer.body, answer.pageId);
  const root = path.resolve(dir);
  const pageList = answers.find((a) => a.base === 'user' && a.path === '/pages');
  const written: string[] = [];
  for (const pageId of pageIds) {
    const mine = answers.filter((a) => a.pageId === pageId);
    const files = new Map<string, { segments: string[]; body: unknown }>();
    if (pageList) files.set('pages/list_pages.json', { segments: ['pages', 'list_pages.json'], body: narrowedPageList(pageList.body, pageId) });
    for (const answer of mine) {
      const place = capturePlace(answer);
      if (place === null) continue;
      // Ids in folder names are replaced like everywhere else (a customer's id inside a conversation id).
      const segments = place.segments.map((s, i) => (place.ids.includes(i) ? captureName(anonymizer.replace(s)) : s));
      const key = segments.join('/');
      if (!files.has(key)) files.set(key, { segments, body: answer.body });
    }
    for (const { segments, body } of files.values()) {
      const file = path.join(root, captureName(pageId), ...segments);
      const relative = path.relative(root, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`refusing to write ${file}: outside the capture folder ${root}`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${captureJson(anonymizer.apply(body))}\n`);
      written.push(relative);
    }
  }
  return written;
}
