// Replay server: serves captured Pancake answers over HTTP on 127.0.0.1 as Pancake would, so the
// client and a whole sync can run against real answers.
//
//   const replay = await startReplayServer(['test/fixtures/real-samples/20260401T042009Z']);
//   PANCAKE_BASE_URL=replay.baseUrl, PANCAKE_ACCESS_TOKEN=replay.userToken  (or replay.pageToken(id))
//   replay.requests   every request: method, path, query (tokens as '***'), endpoint, status, records
//   replay.clearRequests(); await replay.close();
//
// One capture directory per page, in the layout of test/fixtures/real-samples (every file optional):
//   run_summary.json                              { "page_id": … } names the page; else the only page
//                                                 of pages/list_pages.json
//   pages/list_pages.json                         the page object (served for the pages replayed only)
//   pages/generate_page_access_token.json         else a plain success answer is made up
//   pages/tags.json, pages/users.json             served whole
//   pages/page_customers/page_NNN.json            concatenated; since/until on inserted_at (or
//                                                 order_by=updated_at), page_number, page_size ≤ 100
//   pages/posts/page_NNN.json                     concatenated; since/until on inserted_at, 30 a page
//   pages/call_logs/page_NNN.json                 concatenated; since/until on start_time, 30 a page
//   pages/statistics/<name>.json                  served whole for /statistics/<name>, any parameters
//   pages/statistics/<name>_by_hour.json          (optional) served instead when by_hour=true
//   conversations/list_conversations_page_NNN.json  concatenated; v2: since/until and the
//                                                 last_conversation_id cursor on updated_at (or
//                                                 order_by), 60 a batch; v1: page_number, 60 a page
//   messages/<conversation_id>/page_NNN.json      page_002 is older than page_001: the history is
//                                                 …, page_002, page_001. current_count=N answers the 30
//                                                 items before the N newest, oldest first; the other
//                                                 keys come from the file captured for that batch.
// A conversation whose messages were captured only in part (the samples' C3 and C4 stop after two
// batches) has a history that ends where the capture ends: the next batch is empty.
// Anything the capture lacks answers 404 (a stream that reads it can report itself unavailable).
// Range ends are whole unix seconds, both included, as the API compares them. Tokens: the user
// token and one page token per page are made up here, and replace the capture's redacted ones
// (also in the page list's settings.page_access_token).

import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { captureName } from '../../src/doctor/capture.js';
import { type Json, type Row, inRange, listed, newestFirst, numberedFiles, pageIdOf, readJson, records } from './replay-capture.js';

export interface ReplayRequest {
  method: string;
  path: string;
  /** Query parameters, token values replaced by '***'. */
  query: Record<string, string>;
  endpoint: string;
  pageId: string | null;
  conversationId: string | null;
  status: number;
  /** Records in a list answer; null otherwise. */
  records: number | null;
}

export interface ReplayServer {
  readonly baseUrl: string;
  readonly userToken: string;
  readonly pageIds: string[];
  pageToken(pageId: string): string;
  readonly requests: ReplayRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

interface Capture {
  dir: string;
  pageId: string;
  token: string;
}

interface Answer {
  status: number;
  body: unknown;
  records?: number;
}

const USER_TOKEN = 'replay-user-token';
const SECRET = new Set(['access_token', 'page_access_token']);
const notFound = (message = 'Not found'): Answer => ({ status: 404, body: { success: false, message } });
const badParam = (message: string): Answer => ({ status: 400, body: { success: false, message } });

class Params {
  constructor(private readonly query: URLSearchParams) {}

  text(name: string): string | null {
    return this.query.get(name);
  }

  int(name: string, required: boolean, min = 0): number | null {
    const raw = this.query.get(name);
    if (raw === null || raw === '') {
      if (required) throw badParam(`${name} is required`);
      return null;
    }
    if (!/^-?\d+$/.test(raw) || Number(raw) < min) throw badParam(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
    return Number(raw);
  }

  range(required: boolean): { since: number | null; until: number | null } {
    return { since: this.int('since', required), until: this.int('until', required) };
  }

  order(fallback: string, allowed: string[]): string {
    const raw = this.query.get('order_by');
    if (raw === null || raw === '') return fallback;
    if (!allowed.includes(raw)) throw badParam(`order_by must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw;
  }
}

function numberedPage(rows: Row[], params: Params, size: number): Row[] {
  const page = params.int('page_number', true, 1) as number;
  return rows.slice((page - 1) * size, page * size);
}

function conversations(capture: Capture, params: Params, cursor: boolean): Answer {
  const files = numberedFiles(join(capture.dir, 'conversations'), 'list_conversations_page_');
  if (files.length === 0) return notFound();
  const field = params.order(cursor ? 'updated_at' : 'inserted_at', ['inserted_at', 'updated_at']);
  const { since, until } = params.range(!cursor);
  const sorted = newestFirst(records(files, 'conversations'), field);
  if (!cursor) {
    const list = numberedPage(inRange(sorted, field, since, until), params, 60);
    return { status: 200, body: { conversations: list, success: true }, records: list.length };
  }
  const last = params.text('last_conversation_id');
  let start = 0;
  if (last) {
    start = sorted.findIndex((c) => c.id === last) + 1;
    if (start === 0) return badParam(`last_conversation_id ${JSON.stringify(last)} not found`);
  }
  const list = inRange(sorted.slice(start), field, since, until).slice(0, 60);
  return { status: 200, body: { conversations: list, success: true }, records: list.length };
}

function messages(capture: Capture, conversationId: string, params: Params): Answer {
  // Folder names as doctor --capture writes them (src/doctor/capture.ts): a plain id is its own name.
  const files = numberedFiles(join(capture.dir, 'messages', captureName(conversationId)));
  if (files.length === 0) return notFound('Conversation not found');
  const answers = files.map((f) => readJson(f) as Json);
  const history = [...answers].reverse().flatMap((a) => (Array.isArray(a.messages) ? (a.messages as unknown[]) : []));
  const current = params.int('current_count', false) ?? 0;
  const end = history.length - current;
  const batch = end > 0 ? history.slice(Math.max(0, end - 30), end) : [];
  const envelope = (current % 30 === 0 ? answers[current / 30] : undefined) ?? answers[0]!;
  // The captured key order stays: only the messages change.
  const body = Object.fromEntries(Object.entries(envelope).map(([key, value]) => [key, key === 'messages' ? batch : value]));
  return { status: 200, body, records: batch.length };
}

function listing(capture: Capture, folder: string, key: string, field: string, params: Params, size: number | 'page_size', wrap: (rows: Row[], total: number) => Json): Answer {
  const files = numberedFiles(join(capture.dir, 'pages', folder));
  if (files.length === 0) return notFound();
  const pageSize = size === 'page_size' ? (params.int('page_size', false, 1) ?? 100) : size;
  if (pageSize > 100) return badParam(`page_size must be less than or equal to 100, got ${pageSize}`);
  const { since, until } = params.range(folder !== 'call_logs');
  const matching = inRange(newestFirst(records(files, key), field), field, since, until);
  const list = numberedPage(matching, params, pageSize);
  return { status: 200, body: wrap(list, matching.length), records: list.length };
}

function whole(capture: Capture, file: string): Answer {
  const path = join(capture.dir, 'pages', file);
  return existsSync(path) ? { status: 200, body: readJson(path) } : notFound();
}

function pageRoute(capture: Capture, rest: string, params: Params): Answer {
  const message = /^conversations\/([^/]+)\/messages$/.exec(rest);
  if (message) return messages(capture, decodeURIComponent(message[1]!), params);
  const statistic = /^statistics\/([a-z_]+)$/.exec(rest);
  if (statistic) {
    const hourly = params.text('by_hour') === 'true' && existsSync(join(capture.dir, 'pages', `statistics/${statistic[1]}_by_hour.json`));
    return whole(capture, `statistics/${statistic[1]}${hourly ? '_by_hour' : ''}.json`);
  }
  switch (rest) {
    case 'conversations':
      return conversations(capture, params, false);
    case 'tags':
      return whole(capture, 'tags.json');
    case 'users':
      return whole(capture, 'users.json');
    case 'page_customers': {
      const field = params.order('inserted_at', ['inserted_at', 'updated_at']);
      return listing(capture, 'page_customers', 'customers', field, params, 'page_size', (customers, total) => ({ customers, success: true, total }));
    }
    case 'posts':
      return listing(capture, 'posts', 'posts', 'inserted_at', params, 30, (posts, total) => ({ posts, success: true, total }));
    case 'sip_call_logs':
      return listing(capture, 'call_logs', 'data', 'start_time', params, 30, (data) => ({ data, success: true }));
    default:
      return notFound();
  }
}

export async function startReplayServer(dirs: string | string[]): Promise<ReplayServer> {
  const captures = new Map<string, Capture>();
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    const pageId = pageIdOf(dir);
    if (captures.has(pageId)) throw new Error(`Two capture directories hold page ${pageId}: ${captures.get(pageId)?.dir} and ${dir}`);
    captures.set(pageId, { dir, pageId, token: `replay-page-token-${pageId}` });
  }
  const requests: ReplayRequest[] = [];

  const pageList = (): Answer => {
    const pages = [...captures.values()].map((c) => {
      const page = listed(c.dir).find((p) => p.id === c.pageId) ?? { id: c.pageId };
      const settings = page.settings as Json | undefined;
      return settings && 'page_access_token' in settings ? { ...page, settings: { ...settings, page_access_token: c.token } } : page;
    });
    return { status: 200, body: { categorized: { activated: pages, activated_page_ids: pages.map((p) => p.id), hidden: [], inactivated: [], nopermission: [] }, success: true }, records: pages.length };
  };

  const route = (method: string, path: string, query: URLSearchParams, entry: ReplayRequest): Answer => {
    const params = new Params(query);
    const user = /^\/api\/v1\/pages(?:\/([^/]+)\/generate_page_access_token)?$/.exec(path);
    if (user) {
      if (query.get('access_token') !== USER_TOKEN) return { status: 401, body: { success: false, message: 'Invalid access_token' } };
      if (!user[1] && method === 'GET') return pageList();
      const capture = captures.get(decodeURIComponent(user[1] ?? ''));
      entry.pageId = capture?.pageId ?? null;
      if (!capture || method !== 'POST') return notFound();
      const file = join(capture.dir, 'pages/generate_page_access_token.json');
      const captured = existsSync(file) ? (readJson(file) as Json) : { message: 'Generate page access token successfully', success: true };
      return { status: 200, body: { ...captured, page_access_token: capture.token } };
    }
    const page = /^\/api\/public_api\/(v1|v2)\/pages\/([^/]+)\/(.+)$/.exec(path);
    const capture = page ? captures.get(decodeURIComponent(page[2]!)) : undefined;
    if (!page || !capture || method !== 'GET') return notFound();
    entry.pageId = capture.pageId;
    entry.conversationId = /^conversations\/([^/]+)\/messages$/.exec(page[3]!)?.[1] ?? null;
    if (query.get('page_access_token') !== capture.token) return { status: 401, body: { success: false, message: 'Invalid page_access_token' } };
    try {
      if (page[1] === 'v2') return page[3] === 'conversations' ? conversations(capture, params, true) : notFound();
      return pageRoute(capture, page[3]!, params);
    } catch (error) {
      if (error && typeof error === 'object' && 'status' in error) return error as Answer;
      throw error;
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://replay.invalid');
    const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, SECRET.has(k) ? '***' : v]));
    const entry: ReplayRequest = { method: req.method ?? 'GET', path: url.pathname, query, endpoint: endpointOf(url.pathname), pageId: null, conversationId: null, status: 0, records: null };
    requests.push(entry);
    let answer: Answer;
    try {
      answer = route(entry.method, url.pathname, url.searchParams, entry);
    } catch (error) {
      answer = { status: 500, body: { success: false, message: `Replay server error: ${String(error)}` } };
    }
    entry.status = answer.status;
    entry.records = answer.records ?? null;
    const text = JSON.stringify(answer.body);
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    userToken: USER_TOKEN,
    pageIds: [...captures.keys()],
    pageToken(pageId) {
      const capture = captures.get(pageId);
      if (!capture) throw new Error(`No capture of page ${pageId} (pages: ${[...captures.keys()].join(', ')})`);
      return capture.token;
    },
    requests,
    clearRequests: () => void requests.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A short name for the request log, as the simulator's: list_messages, list_conversations_v2, … */
function endpointOf(path: string): string {
  if (/^\/api\/v1\/pages$/.test(path)) return 'list_pages';
  if (/generate_page_access_token$/.test(path)) return 'generate_page_token';
  if (/\/messages$/.test(path)) return 'list_messages';
  if (/^\/api\/public_api\/v2\/.*\/conversations$/.test(path)) return 'list_conversations_v2';
  const tail = /\/pages\/[^/]+\/(.+)$/.exec(path)?.[1];
  return tail ? `list_${tail.replace('/', '_')}` : 'unknown';
}
