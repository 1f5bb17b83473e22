// AI and automated replies. Pancake sends them under an employee's account (admin_name and uid of
// that employee) and flags them in `from`: `ai_generated: true` for an AI's answer, `is_automated:
// true` for an automation (docs/pancake-api.md, "Who sent a message"). They are no employee's reply:
// a response time must wait for the person. Drawn from a stream of their own, so the rest of a
// seed's data is what it was without them.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { Random } from './random.js';
import { senderKindOf } from './sender-kinds.js';

/** In about one inbox thread in eight the AI answers first; in one in twenty an automation sends one more reply. */
export function markAutomatedReplies(seed: number, conversation: PancakeConversation, messages: readonly PancakeMessage[]): void {
  if (conversation.type !== 'INBOX') return;
  const rng = Random.of('automated-replies', seed, conversation.id);
  const typed = messages.filter((m) => senderKindOf(m, conversation.page_id) === 'employee' && typeof m.from?.uid === 'string');
  if (typed.length === 0) return;
  if (rng.chance(0.125)) typed[0]!.from = { ...typed[0]!.from!, ai_generated: true };
  if (typed.length > 1 && rng.chance(0.05)) {
    const later = typed[rng.int(1, typed.length - 1)]!;
    later.from = { ...later.from!, is_automated: true };
  }
}
