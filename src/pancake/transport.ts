import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { HttpTimeoutError } from './errors.js';

// One HTTP exchange with the API over node:http(s) and keep-alive connections. Not fetch: measured
// on the CPU benchmark (bench/README.md, "CPU per request"), fetch cost this process about 0.6 ms
// of CPU per request (WHATWG streams, Headers and AbortSignal objects, and a large body of code to
// optimize) against about 0.2 ms here, for the same answers. The request looks as fetch's did
// (same accept-encoding and user-agent), so the API sees no difference.

export interface HttpExchange {
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** For the whole exchange, answer body included. */
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  /** A response header (lower-case name), or null. */
  header(name: string): string | null;
  text: string;
}

export interface Transport {
  send(url: URL, exchange: HttpExchange): Promise<HttpAnswer>;
}

const FETCH_LIKE_HEADERS = { 'accept-encoding': 'gzip, deflate', 'user-agent': 'node' };

/** A transport with up to `sockets` connections per origin, kept open between requests. */
export function createTransport(sockets: number): Transport {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: sockets }),
    https: new https.Agent({ keepAlive: true, maxSockets: sockets }),
  };
  return {
    send(url, exchange) {
      const secure = url.protocol === 'https:';
      return new Promise<HttpAnswer>((resolve, reject) => {
        let settled = false;
        const settle = (error: Error | null, answer?: HttpAnswer): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) {
            request.destroy();
            reject(error);
          } else resolve(answer!);
        };
        const headers: Record<string, string | number> = { ...FETCH_LIKE_HEADERS, ...exchange.headers };
        if (exchange.body !== undefined) headers['content-length'] = Buffer.byteLength(exchange.body);
        const options = { method: exchange.method, headers, agent: secure ? agents.https : agents.http };
        const request = (secure ? https : http).request(url, options, (response) => {
          const chunks: Buffer[] = [];
          const body = decoded(response);
          body.on('data', (chunk: Buffer) => chunks.push(chunk));
          body.on('error', (error) => settle(error));
          response.on('error', (error) => settle(error));
          response.on('close', () => {
            if (!response.complete) settle(new Error('the connection closed before the whole answer arrived'));
          });
          body.on('end', () => {
            if (!response.complete) return settle(new Error('the connection closed before the whole answer arrived'));
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            settle(null, { status: response.statusCode ?? 0, header: (name) => headerValue(response.headers[name]), text });
          });
        });
        const timer = setTimeout(() => settle(new HttpTimeoutError(`no complete answer within ${exchange.timeoutMs} ms`)), exchange.timeoutMs);
        request.on('error', (error) => settle(error));
        request.end(exchange.body);
      });
    },
  };
}

/** The answer's body stream, decompressed when the server compressed it. */
function decoded(response: http.IncomingMessage): Readable {
  switch (response.headers['content-encoding']?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
