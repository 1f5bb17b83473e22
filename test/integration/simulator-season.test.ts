// The simulator's season: a user token that expires and is renewed, pages that move between the
// page list's lists, and a rate limit per page shared with another integration's steady load.

import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { tokenExpiry } from '../../src/sync/user-token.js';

const DAY = 86_400_000;

async function call(sim: Simulator, path: string, params: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
  const url = new URL(path, sim.baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  const res = await fetch(url, { method });
  return { status: res.status, body: JSON.parse(await res.text()) as unknown };
}

const listPages = (sim: Simulator, token = sim.userToken) => call(sim, '/api/v1/pages', { access_token: token });
const tags = (sim: Simulator, pageId: string) => call(sim, `/api/public_api/v1/pages/${pageId}/tags`, { page_access_token: sim.pageToken(pageId) });

describe('the simulator over a season', () => {
  let sim: Simulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('issues the user token as a JWT with exp when asked, expires it (error_code 103) and renews it (the old one: error_code 102, HTTP 200)', async () => {
    const expiresAt = new Date(Math.floor((Date.now() + 30 * DAY) / 1000) * 1000);
    sim = await startSimulator({ seed: 3, pages: 1, conversationsPerPage: 2, userTokenExpiresAt: expiresAt });
    const first = sim.userToken;
    expect(tokenExpiry(first)).toEqual(expiresAt);
    expect((await listPages(sim)).status).toBe(200);

    sim.expireUserToken();
    expect(await listPages(sim)).toEqual({ status: 200, body: { success: false, message: 'access_token has expired', error_code: 103 } });
    // Page tokens do not depend on it.
    expect((await tags(sim, sim.data.pages[0]!.id)).status).toBe(200);

    const renewedExpiry = new Date(Math.floor((Date.now() + 90 * DAY) / 1000) * 1000);
    const renewed = sim.renewUserToken(renewedExpiry);
    expect(sim.userToken).toBe(renewed);
    expect(tokenExpiry(renewed)).toEqual(renewedExpiry);
    expect((await listPages(sim)).status).toBe(200);
    expect(await listPages(sim, first)).toEqual({ status: 200, body: { success: false, message: 'Invalid access_token', error_code: 102 } });
    expect((await listPages(sim, 'never-issued')).status).toBe(401);
    // The request log masks every user token it issued.
    expect(JSON.stringify(sim.requests)).not.toContain(first.slice(10));
  });

  it('puts pages in the lists of the page list and back; nopermission refuses the page, a page in no list is gone', async () => {
    sim = await startSimulator({ seed: 4, pages: 4, conversationsPerPage: 2 });
    const [a, b, c, d] = sim.data.pages.map((p) => p.id) as [string, string, string, string];
    sim.setPageListStatus(b, 'inactivated');
    sim.setPageListStatus(c, 'nopermission');
    sim.setPageListStatus(d, null);
    const { body } = await listPages(sim);
    const ids = (list: Array<{ id: string }>) => list.map((p) => p.id);
    expect({ activated: ids(body.categorized.activated), inactivated: ids(body.categorized.inactivated), hidden: ids(body.categorized.hidden), nopermission: ids(body.categorized.nopermission) }).toEqual({ activated: [a], inactivated: [b], hidden: [], nopermission: [c] });
    expect(body.categorized.activated_page_ids).toEqual([a]);
    expect(body.categorized.inactivated[0].is_activated).toBe(false);
    // A lapsed page still reads; one without permission or gone does not.
    expect((await tags(sim, b)).status).toBe(200);
    expect((await tags(sim, c)).status).toBe(403);
    expect((await tags(sim, d)).status).toBe(404);
    const generate = (pageId: string) => call(sim!, `/api/v1/pages/${pageId}/generate_page_access_token`, { access_token: sim!.userToken, page_id: pageId }, 'POST');
    expect((await generate(b)).status).toBe(200);
    expect((await generate(c)).status).toBe(403);
    expect((await generate(d)).status).toBe(404);

    for (const id of [b, c, d]) sim.setPageListStatus(id, 'activated');
    expect(ids((await listPages(sim)).body.categorized.activated)).toEqual([a, b, c, d]);
    expect(sim.pageListStatus(d)).toBe('activated');
  });

  it("limits per page, and another client's steady load takes its share of each page's budget (rate-limited answers in the 'body' form)", async () => {
    sim = await startSimulator({ seed: 5, pages: 3, conversationsPerPage: 2, rateLimitPerSecond: 5, rateLimitAnswer: 'body' });
    const [a, b, c] = sim.data.pages.map((p) => p.id) as [string, string, string];
    sim.setOtherClientLoad({ perSecond: 2, pageIds: [a, b] });
    const answers = await Promise.all([...Array(10).fill(a), ...Array(10).fill(b), ...Array(6).fill(c)].map((id: string) => tags(sim!, id)));
    // In any second, at most 3 requests of a loaded page pass (5 - 2 for the other client), 5 of the other page.
    for (const [id, share] of [[a, 3], [b, 3], [c, 5]] as const) {
      const passed = sim.requests.filter((r) => r.pageId === id && !r.rateLimited).map((r) => r.startedAt);
      for (let i = share; i < passed.length; i++) expect(passed[i]! - passed[i - share]!, id).toBeGreaterThanOrEqual(1000);
      expect(sim.requests.filter((r) => r.pageId === id && r.rateLimited).every((r) => r.status === 200)).toBe(true);
    }
    const limited = answers.filter((r) => r.body.error_code === 429);
    expect(limited.length).toBe(sim.requests.filter((r) => r.rateLimited).length);
    if (limited.length > 0) expect(limited[0]!.body).toEqual({ success: false, message: 'Too many requests', error_code: 429 });
  });
});
