import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnonymizer, scramble } from '../../src/doctor/anonymize.js';
import { PROBES } from '../../src/doctor/probes.js';
import { SHAPES, findMismatch } from '../../src/doctor/shapes.js';
import { STREAMS } from '../../src/sync/registry.js';
import { REPO_ROOT } from '../support/harness.js';

const SAMPLES = path.join(REPO_ROOT, 'test/fixtures/real-samples/20260401T042009Z');
const sample = (file: string): unknown => JSON.parse(readFileSync(path.join(SAMPLES, file), 'utf8'));

describe('doctor shapes', () => {
  it('the real answers match what the client reads', () => {
    expect(findMismatch(sample('conversations/list_conversations_page_001.json'), SHAPES.conversations)).toBeNull();
    expect(findMismatch(sample('pages/tags.json'), SHAPES.tags)).toBeNull();
    expect(findMismatch(sample('pages/page_customers/page_001.json'), SHAPES.page_customers)).toBeNull();
  });

  it('names the first field that differs, with its place', () => {
    const body = { conversations: [{ id: 'a', updated_at: '2026-01-01T00:00:00', inserted_at: 'x' }, { id: 'b', updated_at: 1767225600, inserted_at: 'x' }] };
    expect(findMismatch(body, SHAPES.conversations)).toBe('conversations[1].updated_at is a number (1767225600); the client reads a string');
    expect(findMismatch({ conversations: 'none' }, SHAPES.conversations)).toBe('conversations is a string ("none"); the client reads a list');
    expect(findMismatch({}, SHAPES.conversations)).toBe('conversations is missing; the client reads a list');
    expect(findMismatch({ tags: [{ id: null, text: 'Tag removed' }] }, SHAPES.tags)).toBeNull(); // a removed tag has a null id
  });

  it('has a check for every stream', () => {
    expect(STREAMS.map((s) => s.name).filter((name) => !PROBES.some((p) => p.stream === name))).toEqual([]);
  });
});

describe('capture anonymizer', () => {
  it('keeps the shape of a text and is consistent', () => {
    expect(scramble('<div>Chào Lan, 0912 345 678 ạ!<br key=\'n_0\' />&amp;</div>')).toBe("<div>Xxxx Xxx, 0000 000 000 x!<br key='n_0' />&amp;</div>");
    expect(scramble('Dạ còn ạ 😊')).toBe('Xx xxx x 😊');
  });

  it('replaces names, phones and customer ids everywhere, the same way, and removes tokens', () => {
    const a = createAnonymizer(['secret-user-token'], ['111222333']);
    const conversations = { conversations: [{ id: '111222333_98765432101', page_id: '111222333', from: { id: '98765432101', name: 'Nguyễn Thị Lan', email: '98765432101@facebook.com' }, snippet: 'gọi 0912345678', recent_phone_numbers: [{ phone_number: '0912345678' }], updated_at: '2026-03-31T14:00:18.127647' }] };
    const token = { success: true, page_access_token: 'eyJabc', note: 'secret-user-token' };
    a.collect(conversations, '111222333');
    a.collect(token, '111222333');
    const out = JSON.stringify(a.apply(conversations)) + JSON.stringify(a.apply(token)) + a.replace('messages/111222333_98765432101/page_001.json');
    for (const personal of ['Nguyễn Thị Lan', '0912345678', '98765432101', 'eyJabc', 'secret-user-token']) expect(out).not.toContain(personal);
    const copy = a.apply(conversations).conversations[0]!;
    expect(copy.page_id).toBe('111222333');
    expect(copy.updated_at).toBe('2026-03-31T14:00:18.127647');
    expect(copy.id).toBe(`111222333_${copy.from.id}`);
    expect(copy.from.email).toBe(`${copy.from.id}@facebook.com`);
    expect(copy.recent_phone_numbers[0]!.phone_number).toMatch(/^0\d{9}$/);
    expect(a.replace('messages/111222333_98765432101/page_001.json')).toBe(`messages/${copy.id}/page_001.json`);
  });
});
