import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTimeoutError } from '../../src/pancake/errors.js';
import { createTransport } from '../../src/pancake/transport.js';

// The HTTP exchange under the API client (src/pancake/transport.ts): what fetch did for it before
// (decompression, whole answers or an error, a timeout over the whole exchange), on keep-alive
// connections, through undici's dispatcher.

const BODY = JSON.stringify({ success: true, messages: [{ id: 'm1', text: 'tiếng Việt 😀' }] });

describe('HTTP transport', () => {
  let server: Server;
  let origin: string;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(BODY));
      } else if (path === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(BODY) + 100) });
        res.write(BODY.slice(0, 10));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (path === '/hang') {
        setTimeout(() => res.end(BODY), 2_000);
      } else if (path === '/echo') {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => res.writeHead(201, { 'retry-after': '7' }).end(JSON.stringify({ method: req.method, body: text, type: req.headers['content-type'] })));
      } else res.end(BODY);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const transport = createTransport(4);
  const get = { method: 'GET' as const, headers: { accept: 'application/json' }, timeoutMs: 1_000 };

  it('reads whole answers in UTF-8 over kept-alive connections', async () => {
    const before = connections;
    for (let i = 0; i < 20; i++) {
      const answer = await transport.send(new URL(`${origin}/plain`), get);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(BODY));
    }
    // undici's pool opens a second connection for the request sent while the first connection is
    // still finishing its answer; from then on both are reused (one per request without keep-alive).
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it('decompresses a gzip answer', async () => {
    expect((await transport.send(new URL(`${origin}/gzip`), get)).text).toBe(BODY);
  });

  it('sends a body and reads status and headers', async () => {
    const answer = await transport.send(new URL(`${origin}/echo`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"á"}', timeoutMs: 1_000 });
    expect(answer.status).toBe(201);
    expect(answer.header('retry-after')).toBe('7');
    expect(answer.header('x-missing')).toBeNull();
    expect(JSON.parse(answer.text)).toEqual({ method: 'POST', body: '{"a":"á"}', type: 'application/json' });
  });

  it('an answer cut short is an error, not a shorter text', async () => {
    await expect(transport.send(new URL(`${origin}/cut`), get)).rejects.toThrow();
  });

  it('an answer slower than the timeout fails with a TimeoutError', async () => {
    const error = await transport.send(new URL(`${origin}/hang`), { ...get, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as Error).name).toBe('TimeoutError');
  });
});
