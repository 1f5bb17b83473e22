// A simulator route: which requests it answers, whose token it needs, and what the API answers.
// Each family of endpoints lives in its own file in this folder and is listed once in ../api.ts.

import type { SimulatorData } from '../../shop/model.js';
import type { ConversationViews } from '../conversation-listing.js';
import type { TokenBook } from '../token-book.js';
import type { ApiResponse } from './params.js';

/** The lists of Pancake's page list (docs/pancake-api.md, "List pages"); a page in none is deleted. */
export type PageListStatus = 'activated' | 'inactivated' | 'hidden' | 'nopermission';

export interface ApiContext {
  data: SimulatorData;
  tokens: TokenBook;
  views: ConversationViews;
  /** Pages moved out of `activated` (setPageListStatus); null: in no list (deleted in Pancake). */
  pageLists: Map<string, PageListStatus | null>;
  /** Walks the API answers wrongly on purpose (contract.ts, `PagingFaults`); changed while it runs. */
  pagingFaults: { stuckCursorPages: string[]; repeatingMessageConversations: string[] };
  /** The shop's clock (ms): what writes are stamped with. */
  now: () => number;
}

/** Which list a page is in now (a page of the data set is `activated` unless moved). */
export function listStatusOf(ctx: ApiContext, pageId: string): PageListStatus | null {
  return ctx.pageLists.has(pageId) ? (ctx.pageLists.get(pageId) ?? null) : 'activated';
}

export interface RouteRequest {
  /** The path's captures: page id first, then e.g. the conversation id. */
  params: Array<string | null>;
  pageId: string | null;
  query: URLSearchParams;
  /** Parsed JSON (or form) body of a POST; null when there is none. */
  body: unknown;
  ctx: ApiContext;
  /**
   * False when the answer is thrown away (a truncated-body fault): a write must then change
   * nothing, so a retry sees the same state the real API would have.
   */
  applyEffects: boolean;
}

export interface RouteDefinition {
  method: 'GET' | 'POST';
  pattern: RegExp;
  endpoint: string;
  /** 'user': the user access_token; 'page': the page_access_token of the page in the path. */
  auth: 'user' | 'page';
  /** The path capture holding a conversation id, for the request log. */
  conversationParam?: number;
  /** When two endpoints share a path: answer only requests whose query passes (first match wins). */
  accepts?(query: URLSearchParams): boolean;
  handle(request: RouteRequest): ApiResponse;
}
