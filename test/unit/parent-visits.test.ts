import { describe, expect, it } from 'vitest';
import { visitParents } from '../../src/sync/engines/parent-visits.js';

// A slice query that began before a visit committed still shows that parent as waiting. Started
// again, its conversation was walked twice in one run (seen in CI: ['0', '30', '0', '30'] for one
// conversation, and two walks of a WhatsApp conversation).

describe('visitParents', () => {
  it('does not visit again a parent whose visit ended while the slice naming it was being read', async () => {
    const waiting = new Set(['A']);
    const visits: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let visitEnded!: () => void;
    const ended = new Promise<void>((resolve) => (visitEnded = resolve));
    let queries = 0;
    await visitParents<{ id: string }>({
      concurrency: 2,
      next: async () => {
        queries += 1;
        // The warehouse as the query read it, before the visit in flight committed.
        const snapshot = [...waiting].map((id) => ({ id }));
        if (queries === 2) {
          release();
          await ended;
          // ...and until visitParents has seen that visit end.
          await new Promise((resolve) => setImmediate(resolve));
        }
        return snapshot;
      },
      visit: async (parent) => {
        await gate;
        waiting.delete(parent.id);
        visits.push(parent.id);
        visitEnded();
      },
    });
    expect(visits).toEqual(['A']);
    // The parent left out was looked for once more, on a query that began after its visit.
    expect(queries).toBe(3);
  });

  it('still visits again a parent that waits again after its visit (its record changed meanwhile)', async () => {
    let changes = 1;
    const visits: string[] = [];
    await visitParents<{ id: string }>({
      concurrency: 1,
      next: async () => (changes > 0 ? [{ id: 'B' }] : []),
      visit: async (parent) => {
        visits.push(parent.id);
        changes -= 1;
        if (visits.length === 1) changes = 1; // changed again while it was visited
      },
    });
    expect(visits).toEqual(['B', 'B']);
  });
});
