import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runCompiledCli } from '../support/compiled-cli.js';
import { simulatorEnv } from '../support/harness.js';

// Issue 23, "a capture writes only inside its folder": page ids `..` and `../../../../../x` made
// `doctor --capture DIR` write DIR/../pages/list_pages.json and five levels above DIR; `.` and `..`
// passed the id check and normalised onto user-token endpoints; a `%` was sent unencoded; a long id
// aborted the capture (ENAMETOOLONG), a 6,000-deep answer too (stack overflow); `--capture ''` wrote
// into the current directory and `--capture <a file>` probed first and then failed. A proxy in front
// of the simulator lists hostile page ids next to the real page, gives its newest conversation a
// hostile id, and nests that conversation's messages answer 6,000 levels deep.

const HOSTILE_PAGES = ['..', '.', '../../../../../x', 'a/b', '%2e%2e', 'web_%41', 'p'.repeat(300)];
/** Requestable (no slash, under 200 characters), but no file system takes it as a name. */
const HOSTILE_CONVERSATION = `..%2e%2e.${'x'.repeat(180)}`;
const DEPTH = 6_000;

function deepJsonText(): string {
  return `${'{"level":['.repeat(DEPTH)}{"leaf":"bottom"}${']}'.repeat(DEPTH)}`;
}

async function hostileProxy(sim: Simulator): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const page = sim.data.pages[0]!.id;
  let original: string | null = null;
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    requests.push(url.pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let target = `${sim.baseUrl}${req.url ?? ''}`;
    const messages = /\/conversations\/([^/]+)\/messages$/.exec(url.pathname);
    if (messages && decodeURIComponent(messages[1]!) === HOSTILE_CONVERSATION && original !== null) {
      target = target.replace(messages[1]!, encodeURIComponent(original));
    }
    const upstream = await fetch(target, { method: req.method ?? 'GET', headers: { 'content-type': 'application/json' }, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) });
    let text = await upstream.text();
    if (url.pathname === '/api/v1/pages') {
      const body = JSON.parse(text) as { categorized: { activated: Array<Record<string, unknown>> } };
      body.categorized.activated.push(...HOSTILE_PAGES.map((id) => ({ id, name: `Hostile ${id.slice(0, 10)}`, platform: 'facebook' })));
      text = JSON.stringify(body);
    } else if (url.pathname.endsWith(`/pages/${page}/conversations`)) {
      const body = JSON.parse(text) as { conversations: Array<{ id: string }> };
      if (body.conversations[0]) {
        original = body.conversations[0].id;
        body.conversations[0].id = HOSTILE_CONVERSATION;
      }
      text = JSON.stringify(body);
    } else if (messages) {
      text = text.replace(/^\{/, `{"deep_payload":${deepJsonText()},`);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

describe('a capture writes only inside its folder', () => {
  let sim: Simulator;
  let proxy: Awaited<ReturnType<typeof hostileProxy>>;
  let root: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, pages: 1, conversationsPerPage: 3, historyDays: 3 });
    proxy = await hostileProxy(sim);
    root = await mkdtemp(path.join(tmpdir(), 'pancake-capture-'));
    env = { ...simulatorEnv(sim, '', { PANCAKE_BASE_URL: proxy.url, LOG_LEVEL: 'warn' }), DATABASE_URL: undefined };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await proxy?.close();
    await sim?.close();
  });

  it('hostile page ids, a hostile conversation id and a 6,000-deep answer: every file lands under DIR', async () => {
    // Deep enough that even five levels up from DIR is still inside `root`, where every file is listed.
    const dir = path.join(root, 'a', 'b', 'c', 'd', 'e', 'f', 'capture');
    const result = await runCompiledCli(['doctor', '--capture', dir], env, {});
    // The hostile pages are left out, each with its reason; the real page is checked and captured.
    expect(result.code, result.stderr).toBe(1);
    for (const id of HOSTILE_PAGES) expect(result.stdout).toContain(`Pancake listed a page whose id ${JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id)} is not a page id`);
    const page = sim.data.pages[0]!.id;
    const written = await filesUnder(root);
    expect(written.length).toBeGreaterThan(5);
    const outside = written.filter((f) => !f.startsWith(`a${path.sep}b${path.sep}c${path.sep}d${path.sep}e${path.sep}f${path.sep}capture${path.sep}`));
    expect(outside, `files written: ${written.join(', ')}`).toEqual([]);
    const inside = written.map((f) => f.split(path.sep).slice(7).join('/'));
    expect(inside.every((f) => f.startsWith(`${page}/`)), inside.join(', ')).toBe(true);
    expect(inside).toContain(`${page}/pages/list_pages.json`);
    // The hostile conversation's folder: a readable prefix and a hash, a name any file system takes.
    const messageFiles = inside.filter((f) => f.startsWith(`${page}/messages/`));
    expect(messageFiles).toHaveLength(1);
    const folder = messageFiles[0]!.split('/')[2]!;
    expect(folder).toMatch(/^[A-Za-z0-9_-]*~[0-9a-f]{12}$/);
    expect(folder.length).toBeLessThan(60);
    // The deep answer was written whole (compact: too deep for JSON.stringify).
    const text = await readFile(path.join(dir, page, 'messages', folder, 'page_001.json'), 'utf8');
    expect(text.split('"level"').length - 1).toBe(DEPTH);
    // No request went to a hostile page, nor to a path a dot segment could fold.
    expect(proxy.requests.filter((p) => /\/pages\/(\.|\.\.|%2e|a%2Fb|web_%2541|pp)/i.test(p) || /\/\.\.?(\/|$)/.test(p))).toEqual([]);
  }, 120_000);

  it("--capture '' and --capture <a file>: exit 2 with one line, before any request", async () => {
    const file = path.join(root, 'not-a-folder');
    await mkdir(root, { recursive: true });
    await writeFile(file, 'x');
    for (const [value, says] of [['', /^pancake-sync: --capture needs a folder to write into, got an empty name/], [file, /^pancake-sync: --capture .*not-a-folder is not a folder/]] as const) {
      proxy.requests.splice(0);
      const result = await runCompiledCli(['doctor', '--capture', value], env);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(says);
      expect(proxy.requests).toEqual([]);
    }
  });
});
