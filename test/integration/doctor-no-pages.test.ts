import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompiledCli } from '../support/compiled-cli.js';

// Issue 23: `doctor` on a token that lists no page said every stream was ok and exited 0; `sync`
// fails on an empty page list (a token that lost its access looks just like a shop without pages).
// doctor now fails the same way: one line, exit 1.

describe('doctor on an empty page list', () => {
  let server: Server;
  let baseUrl: string;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ categorized: { activated: [], activated_page_ids: [], hidden: [], inactivated: [], nopermission: [] }, success: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails in one line with exit 1, like sync', async () => {
    const result = await runCompiledCli(['doctor'], { PANCAKE_BASE_URL: baseUrl, PANCAKE_ACCESS_TOKEN: 'user-token-without-pages', LOG_LEVEL: 'info' });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual(['pancake-sync: Pancake listed no pages for this token, so there is nothing to check. A token that lost its access looks just like a shop without pages: check PANCAKE_ACCESS_TOKEN and its pages in Pancake.']);
    expect(result.stdout).not.toMatch(/is ok/);
    expect(requests).toHaveLength(1);
  });
});
