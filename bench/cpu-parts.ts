// The CPU of the parts of one messages request, each measured alone (bench/README.md, "CPU per
// request", round 5): what the whole-process figure of bench/cpu.ts cannot separate on a 2-core
// machine where the simulator, Postgres and the sync share the cores.
//
//   npm run bench -- --cpu-parts [--parts-conversations 300] [--parts-rounds 5]
//
// The messages answers of one busy page (the simulator's `shape: 'busy'`) are fetched once; then,
// in this warm process, each stage runs over all of them `rounds` times and its CPU (process.cpuUsage)
// is divided by the answers: JSON.parse of the text, the stream's rows and statement parts
// (src/sync/streams/messages.ts, messageParts, rendered as write-together.ts renders them), and the
// statement's values turned into bytes as pg's Bind message does. Then the HTTP client's CPU per request
// (src/pancake/transport.ts) against a server in another process answering a fixed text of the
// answers' median size, 16 requests in flight. Nothing is written to bench/results.json.
import { spawn } from 'node:child_process';
import { flag } from './args.js';
import { createTransport } from '../src/pancake/transport.js';
import type { ListMessagesResponse } from '../src/pancake/types.js';
import { startSimulator } from '../src/simulator/index.js';
import { messageParts } from '../src/sync/streams/messages.js';
import { forgetParents } from '../src/warehouse/raw-references.js';
import { StatementParams } from '../src/warehouse/write-together.js';

/** µs of CPU per item of `count` for `rounds` runs of `fn`, after one run to warm up. */
function cpuPer(count: number, rounds: number, fn: () => void): number {
  fn();
  const before = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / rounds / count;
}

async function messagesAnswers(conversations: number): Promise<{ pageId: string; texts: string[] }> {
  const sim = await startSimulator({ seed: 42, historyDays: 90, pages: 1, conversationsPerPage: conversations, shape: 'busy', rateLimitPerSecond: null });
  try {
    const pageId = [...sim.data.conversations.keys()][0]!;
    const texts: string[] = [];
    for (const conversation of sim.data.conversations.get(pageId)!) {
      for (let count = 0; ; ) {
        const url = new URL(`${sim.baseUrl}/api/public_api/v1/pages/${pageId}/conversations/${encodeURIComponent(conversation.id)}/messages`);
        url.searchParams.set('page_access_token', sim.pageToken(pageId));
        url.searchParams.set('current_count', String(count));
        const text = await (await fetch(url)).text();
        texts.push(text);
        const got = (JSON.parse(text) as ListMessagesResponse).messages.length;
        if (got < 30) break;
        count += got;
      }
    }
    return { pageId, texts };
  } finally {
    await sim.close();
  }
}

/** What pg's Bind message does with each value: a string to UTF-8 bytes, a Buffer copied, an array as text. */
function toBytes(values: unknown[]): void {
  for (const value of values) {
    if (value === null || value === undefined) continue;
    if (Buffer.isBuffer(value)) Buffer.from(value);
    else Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/** CPU per request of the HTTP client against a server in a child process answering `size` bytes. */
async function httpCpu(size: number, requests: number): Promise<number> {
  const server = spawn(process.execPath, ['-e', `const b=Buffer.alloc(${size},120);require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json','content-length':b.length});s.end(b)}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = Number(await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    const transport = createTransport(16);
    const url = new URL(`http://127.0.0.1:${port}/api/public_api/v1/pages/1/conversations/c/messages?page_access_token=t&current_count=30`);
    const burst = async () => {
      let left = requests;
      const worker = async () => {
        while (left-- > 0) await transport.send(url, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: 30_000 });
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    };
    await burst();
    const before = process.cpuUsage();
    await burst();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / requests;
  } finally {
    server.kill();
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const rounds = Number(flag(argv, 'parts-rounds', '5'));
  const { pageId, texts } = await messagesAnswers(Number(flag(argv, 'parts-conversations', '300')));
  const answers = texts.map((t) => JSON.parse(t) as ListMessagesResponse);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const statements = (): Array<unknown[]> =>
    answers.map((answer) => {
      const params = new StatementParams();
      messageParts(pageId, 'conversation', answer.messages, null).forEach((part) => part.render(params));
      forgetParents(); // as write-together.ts does once a statement is built
      return params.sent();
    });
  const built = statements();
  const median = [...texts].sort((a, b) => a.length - b.length)[texts.length >> 1]!;
  const lines = [
    `${texts.length} messages answers of a busy page, ${(bytes / 1e6).toFixed(1)} MB; µs of CPU per answer (${rounds} warm rounds):`,
    `  JSON.parse of the answer            ${cpuPer(texts.length, rounds, () => texts.forEach((t) => JSON.parse(t))).toFixed(1)}`,
    `  rows and statement parts (rendered) ${cpuPer(texts.length, rounds, () => void statements()).toFixed(1)}`,
    `  the values as bytes, as pg's Bind   ${cpuPer(texts.length, rounds, () => built.forEach(toBytes)).toFixed(1)}`,
    `  HTTP client, one request of ${Buffer.byteLength(median)} bytes: ${(await httpCpu(Buffer.byteLength(median), 5000)).toFixed(1)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
