import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import { HttpTimeoutError } from './errors.js';

// One HTTP exchange with the API on keep-alive connections, through undici's dispatcher interface:
// the request is handed to a connection pool with callbacks for the status, each chunk and the end;
// no stream or event emitter is made per request. Measured on the CPU benchmark (bench/README.md,
// "CPU per request"): fetch cost this process about 0.6 ms of CPU per request (WHATWG streams,
// Headers and AbortSignal objects, and a large body of code to optimize), node:http about 0.2 ms (a
// ClientRequest, an IncomingMessage and their streams and events per request: a quarter of the
// sync's main thread on the current shop, perf at 2 × 5,000), and this 6–7 % less of the whole
// process than node:http ("Issue 26, round 7"). The request looks as fetch's did (same
// accept-encoding and user-agent), so the API sees no difference; a compressed answer is
// decompressed whole once it has arrived.

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

const decompress: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** A transport with up to `sockets` connections per origin, kept open between requests. */
export function createTransport(sockets: number): Transport {
  const agent = new Agent({ connections: sockets });
  return {
    send(url, exchange) {
      return new Promise<HttpAnswer>((resolve, reject) => {
        let settled = false;
        let controller: Dispatcher.DispatchController | null = null;
        const settle = (error: Error | null, answer?: HttpAnswer): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) {
            controller?.abort(error);
            reject(error);
          } else resolve(answer!);
        };
        const timedOut = (): Error => new HttpTimeoutError(`no complete answer within ${exchange.timeoutMs} ms`);
        const timer = setTimeout(() => settle(timedOut()), exchange.timeoutMs);
        let status = 0;
        let headers: Record<string, string | string[] | undefined> = {};
        const chunks: Buffer[] = [];
        const options: Dispatcher.DispatchOptions = {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: exchange.method,
          headers: { ...FETCH_LIKE_HEADERS, ...exchange.headers },
          ...(exchange.body !== undefined && { body: exchange.body }),
        };
        agent.dispatch(options, {
          onRequestStart(started) {
            controller = started;
            // Timed out while it waited for a connection.
            if (settled) started.abort(timedOut());
          },
          onResponseStart(_, statusCode, responseHeaders) {
            status = statusCode;
            headers = responseHeaders;
          },
          onResponseData(_, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            const answer = (bytes: Buffer): HttpAnswer => ({ status, header: (name) => headerValue(headers[name]), text: bytes.toString('utf8') });
            const encoding = headerValue(headers['content-encoding'])?.trim().toLowerCase();
            const inflateIt = encoding ? decompress[encoding] : undefined;
            if (!inflateIt) return settle(null, answer(data));
            inflateIt(data).then((bytes) => settle(null, answer(bytes)), (error: Error) => settle(error));
          },
          onResponseError(_, error) {
            settle(error);
          },
        });
      });
    },
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
