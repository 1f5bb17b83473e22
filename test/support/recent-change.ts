import type { Simulator } from '../../src/simulator/index.js';

/**
 * Adds `count` messages dated one whole second before the shop's clock to a conversation of the page that a run's
 * updated_at listing will show as changed, and returns its id. Not a rating thread, and not a
 * WhatsApp page's bare conversation: without updated_at it never moves in the listing.
 */
export function addRecentMessages(sim: Simulator, pageId: string, count: number): string {
  const conversation = sim.data.conversations.get(pageId)!.find((c) => c.type !== 'RATING' && c.updated_at !== undefined)!;
  sim.addMessages(conversation.id, count, new Date(Math.floor(sim.now().getTime() / 1000) * 1000 - 1000));
  return conversation.id;
}
