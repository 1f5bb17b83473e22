import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiAnswer } from '../pancake/client.js';
import { isRecord } from '../pancake/http.js';
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

/** Where an answer goes inside its page's directory; null for answers the layout has no place for. */
export function capturePath(answer: ApiAnswer): string | null {
  const p = answer.path;
  if (answer.base === 'user') {
    if (p === '/pages') return 'pages/list_pages.json';
    if (/^\/pages\/[^/]+\/generate_page_access_token$/.test(p)) return 'pages/generate_page_access_token.json';
    return null;
  }
  const rest = /^\/pages\/[^/]+(\/.*)$/.exec(p)?.[1];
  if (rest === undefined) return null;
  if (rest === '/conversations') return 'conversations/list_conversations_page_001.json';
  const messages = /^\/conversations\/([^/]+)\/messages$/.exec(rest);
  if (messages) return `messages/${messages[1]}/page_001.json`;
  if (rest === '/tags') return 'pages/tags.json';
  if (rest === '/users') return 'pages/users.json';
  if (rest === '/page_customers') return 'date_range' in answer.query ? 'pages/statistics/new_customers.json' : 'pages/page_customers/page_001.json';
  if (rest === '/posts') return 'pages/posts/page_001.json';
  if (rest === '/sip_call_logs') return 'pages/call_logs/page_001.json';
  const statistics = /^\/statistics\/([\w-]+)$/.exec(rest);
  if (statistics) return `pages/statistics/${statistics[1]}.json`;
  return null;
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

/** Writes every page's answers; returns the files written, relative to `dir`. */
export async function writeCapture(dir: string, answers: readonly ApiAnswer[], pageIds: readonly string[], anonymizer: Anonymizer): Promise<string[]> {
  for (const answer of answers) anonymizer.collect(answer.body, answer.pageId);
  const pageList = answers.find((a) => a.base === 'user' && a.path === '/pages');
  const written: string[] = [];
  for (const pageId of pageIds) {
    const mine = answers.filter((a) => a.pageId === pageId);
    const files = new Map<string, unknown>();
    if (pageList) files.set('pages/list_pages.json', narrowedPageList(pageList.body, pageId));
    for (const answer of mine) {
      const where = capturePath(answer);
      if (where !== null && !files.has(where)) files.set(where, answer.body);
    }
    for (const [relative, body] of files) {
      const file = path.join(dir, pageId, ...anonymizer.replace(relative).split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${JSON.stringify(anonymizer.apply(body), null, 2)}\n`);
      written.push(path.relative(dir, file));
    }
  }
  return written;
}
