import { describe, expect, it } from 'vitest';
import { createPancakeClient, MAX_RANGE_SECONDS } from '../../src/pancake/client.js';
import { PancakeArgumentError } from '../../src/pancake/errors.js';
import { ITERATOR_WINDOW_SECONDS, splitRange } from '../../src/pancake/window.js';

// Validation happens before a request leaves: the client points at a port nothing listens on, and
// every refused call must fail with a PancakeArgumentError naming the parameter, not a network error.

const PAGE = '1234567890123456';
const client = createPancakeClient({ baseUrl: 'http://127.0.0.1:9', pageTokens: { [PAGE]: 'token' }, retries: 0 });
const since = 1_780_000_000;
const until = since + 86_400;

async function refusal(call: () => Promise<unknown> | AsyncIterable<unknown>): Promise<PancakeArgumentError> {
  try {
    const result = call();
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const _ of result as AsyncIterable<unknown>) break;
    } else {
      await result;
    }
  } catch (error) {
    expect(error).toBeInstanceOf(PancakeArgumentError);
    return error as PancakeArgumentError;
  }
  throw new Error('the call was not refused');
}

describe('entity endpoints refuse bad parameters before sending', () => {
  it.each([
    ['customers page_size over 100', () => client.listPageCustomers(PAGE, { since, until, pageNumber: 1, pageSize: 101 }), /^pageSize: .*1 to 100/],
    ['customers page_size 0', () => client.listPageCustomers(PAGE, { since, until, pageNumber: 1, pageSize: 0 }), /^pageSize/],
    ['customers page_number 0', () => client.listPageCustomers(PAGE, { since, until, pageNumber: 0 }), /^pageNumber: .*≥ 1/],
    ['customers page_number 1.5', () => client.listPageCustomers(PAGE, { since, until, pageNumber: 1.5 }), /^pageNumber/],
    ['customers without since', () => client.listPageCustomers(PAGE, { until, pageNumber: 1 } as never), /^since: is required/],
    ['customers without until', () => client.listPageCustomers(PAGE, { since, pageNumber: 1 } as never), /^until: is required/],
    ['customers over a month', () => client.listPageCustomers(PAGE, { since, until: since + MAX_RANGE_SECONDS + 1, pageNumber: 1 }), /^until: .*at most 30 days/],
    ['customers until before since', () => client.listPageCustomers(PAGE, { since: until, until: since, pageNumber: 1 }), /^until: must not be before since/],
    ['customers order_by', () => client.listPageCustomers(PAGE, { since, until, pageNumber: 1, orderBy: 'name' as never }), /^orderBy/],
    ['customers malformed page id', () => client.listPageCustomers('12/34', { since, until, pageNumber: 1 }), /^pageId: "12\/34" is not a page id/],
    ['call logs page_size 50', () => client.listCallLogs(PAGE, { id: 'sip', pageNumber: 1, pageSize: 50 }), /^pageSize: must be exactly 30/],
    ['call logs page_size 10', () => client.listCallLogs(PAGE, { id: 'sip', pageNumber: 1, pageSize: 10 }), /^pageSize: must be exactly 30/],
    ['call logs without id', () => client.listCallLogs(PAGE, { pageNumber: 1 } as never), /^id: /],
    ['call logs malformed id', () => client.listCallLogs(PAGE, { id: 'a b', pageNumber: 1 }), /^id: .*not a valid id/],
    ['call logs page_number -1', () => client.listCallLogs(PAGE, { id: 'sip', pageNumber: -1 }), /^pageNumber/],
    ['call logs over a month', () => client.listCallLogs(PAGE, { id: 'sip', pageNumber: 1, since, until: since + 31 * 86_400 }), /^until: .*at most 30 days/],
    ['posts page_size 31', () => client.listPosts(PAGE, { since, until, pageNumber: 1, pageSize: 31 }), /^pageSize: must be exactly 30/],
    ['posts without since', () => client.listPosts(PAGE, { until, pageNumber: 1 } as never), /^since: is required/],
    ['tags malformed page id', () => client.listTags('x?y'), /^pageId/],
    // Dot segments: a URL parser folds /pages/../tags onto a user-token path, encoded or not (issue 23).
    ['tags page id ..', () => client.listTags('..'), /^pageId: "\.\." is not a page id/],
    ['tags page id .', () => client.listTags('.'), /^pageId: "\." is not a page id/],
    ['tags page id with %', () => client.listTags('12%2e'), /^pageId: "12%2e" is not a page id/],
    ['messages of conversation ..', () => client.listMessages(PAGE, '..'), /^conversationId: "\.\." is not a valid id/],
    ['users empty page id', () => client.listUsers(''), /^pageId/],
    ['customer iterator page size', () => client.iteratePageCustomers(PAGE, { since, until, pageSize: 500 }), /^pageSize/],
    ['customer iterator without until', () => client.iteratePageCustomers(PAGE, { since } as never), /^until: is required/],
    ['call log iterator without id', () => client.iterateCallLogs(PAGE, { id: '' }), /^id: /],
    ['post iterator reversed range', () => client.iteratePosts(PAGE, { since: until, until: since }), /^until: must not be before since/],
    ['conversation iterator without since', () => client.iterateConversations(PAGE, { until } as never), /^since: is required/],
  ])('%s', async (_name, call, message) => {
    const before = client.stats.requests;
    const error = await refusal(call);
    expect(error.message).toMatch(message);
    expect(client.stats.requests).toBe(before);
  });

  it('iterators are refused at the call, before anything is awaited', () => {
    expect(() => client.iteratePosts(PAGE, { since, until, windowSeconds: 40 * 86_400 })).toThrow(/^windowSeconds: /);
    expect(() => client.iterateCallLogs(PAGE, { id: 'a/b' })).toThrow(PancakeArgumentError);
  });
});

describe('splitRange', () => {
  it('covers a long range with whole-second windows under the one-month limit, oldest first, without overlap', () => {
    const start = 1_700_000_000;
    const end = start + 100 * 86_400 + 17;
    const windows = splitRange(new Date(start * 1000), end);
    expect(windows[0]!.since).toBe(start);
    expect(windows.at(-1)!.until).toBe(end);
    for (const [i, w] of windows.entries()) {
      expect(w.until - w.since).toBeLessThanOrEqual(ITERATOR_WINDOW_SECONDS);
      expect(w.until - w.since).toBeLessThan(MAX_RANGE_SECONDS);
      if (i > 0) expect(w.since).toBe(windows[i - 1]!.until + 1);
    }
    expect(windows).toHaveLength(4);
  });

  it('keeps a short range whole and refuses a bad window size', () => {
    expect(splitRange(10, 10)).toEqual([{ since: 10, until: 10 }]);
    expect(() => splitRange(0, 10, MAX_RANGE_SECONDS + 1)).toThrow(/windowSeconds/);
  });
});
