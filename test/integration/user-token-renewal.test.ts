import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Stored page tokens are sealed with a key derived from the user token, so a renewed
// PANCAKE_ACCESS_TOKEN cannot open them. Generating them again may revoke the page tokens the
// shop's other integrations use (the simulator here revokes on every generation), so for one run
// after a renewal PANCAKE_PREVIOUS_ACCESS_TOKEN lets the sync keep them, sealed again.

const generations = (h: SyncHarness) => h.sim.requests.filter((r) => r.endpoint === 'generate_page_token' && r.status === 200).length;

describe('renewing the user token', () => {
  let h: SyncHarness;
  const streams = { streams: ['tags'] };
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 5, pages: 2, conversationsPerPage: 3, historyDays: 5, rotatePageTokens: true }, 'renewal');
    expect((await h.sync(streams)).exitCode).toBe(0);
    expect(generations(h)).toBe(2);
  });
  afterAll(async () => h?.close());

  it('with PANCAKE_PREVIOUS_ACCESS_TOKEN the stored page tokens are kept and sealed again: none is generated, then or later', async () => {
    const previous = h.sim.userToken;
    h.sim.renewUserToken();
    expect(h.sim.userToken).not.toBe(previous);
    h.sim.clearRequests();
    const renewed = await h.sync(streams, { PANCAKE_PREVIOUS_ACCESS_TOKEN: previous });
    expect(renewed.exitCode, JSON.stringify(renewed.failures)).toBe(0);
    expect(generations(h)).toBe(0);
    // Sealed with the new token now: the next run needs nothing more.
    h.sim.clearRequests();
    expect((await h.sync(streams)).exitCode).toBe(0);
    expect(generations(h)).toBe(0);
  });

  it('without it the first run with the new token generates each page token once', async () => {
    h.sim.renewUserToken();
    h.sim.clearRequests();
    expect((await h.sync(streams)).exitCode).toBe(0);
    expect(generations(h)).toBe(2);
    h.sim.clearRequests();
    expect((await h.sync(streams)).exitCode).toBe(0);
    expect(generations(h)).toBe(0);
  });
});
