// The README's "Use as a library" example is run, exactly as written, against the simulator: the test
// reads the code block out of README.md, so the two cannot drift apart. Only the package name is
// pointed at src/index.ts, the module package.json `exports` publishes (checked here as well).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type NodeResult, runNode } from '../support/node-process.js';

// Not from the sync harness: this test needs no database.
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECTION = '## Use as a library';

/** The first ```ts block of the README's library section. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(SECTION));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!readme.includes(SECTION) || !block?.[1]) throw new Error(`README.md has no \`\`\`ts block under "${SECTION}"`);
  return block[1];
}

function run(file: string, args: string[], env: Record<string, string>): Promise<NodeResult> {
  return runNode(['--import', 'tsx', file, ...args], { cwd: REPO_ROOT, env });
}

describe('the README library example', () => {
  let sim: Simulator;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, pages: 1, conversationsPerPage: 20 });
    dir = mkdtempSync(join(tmpdir(), 'pancake-readme-'));
    file = join(dir, 'reply.mts');
    const entry = pathToFileURL(join(REPO_ROOT, 'src', 'index.ts')).href;
    const code = readmeExample();
    expect(code).toContain("from 'pancake-sync'");
    writeFileSync(file, code.replaceAll("from 'pancake-sync'", `from '${entry}'`));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  });

  it('package.json publishes src/index.ts as the package entry, with its types', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.exports).toMatchObject({ '.': { types: './dist/src/index.d.ts', import: './dist/src/index.js' } });
    expect(pkg).toMatchObject({ main: './dist/src/index.js', types: './dist/src/index.d.ts', bin: { 'pancake-sync': 'dist/src/cli.js' } });
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/src', 'dist/migrations']));
  });

  it('replies, marks read and prints the reply, as the README says', async () => {
    const pageId = sim.data.pages[0]?.id ?? '';
    const conversation = sim.data.conversations.get(pageId)?.find((c) => c.type === 'INBOX' && c.seen === false);
    if (!conversation) throw new Error('the seeded data has no unread inbox conversation');
    const text = 'Dạ, shop đã nhận đơn của chị ạ! 🎉';

    const result = await run(file, [pageId, conversation.id, text], { PANCAKE_BASE_URL: sim.baseUrl, PANCAKE_ACCESS_TOKEN: sim.userToken });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${text}\n`);
    expect(sim.requests.map((e) => [e.method, e.endpoint, e.status])).toEqual([
      ['POST', 'generate_page_token', 200],
      ['POST', 'send_message', 200],
      ['POST', 'read_conversation', 200],
      ['GET', 'list_messages', 200],
    ]);
    expect(sim.data.messages.get(conversation.id)?.at(-1)).toMatchObject({ original_message: text, from: { id: pageId } });
    expect(conversation.seen).toBe(true);
  });

  it('refuses to run without its arguments, with a usage line', async () => {
    const result = await run(file, [], { PANCAKE_BASE_URL: sim.baseUrl, PANCAKE_ACCESS_TOKEN: sim.userToken });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('usage: reply.ts <page_id> <conversation_id> <text>');
  });
});
