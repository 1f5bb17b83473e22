// Who was assigned when: a conversation's `assignee_histories`, in the form a production sync reads
// (docs/pancake-api.md): `{ inserted_at, payload: { added_users: [user], removed_users: [user],
// editor_id, editor_name } }`, oldest first. Replaying it gives the conversation's assignees. Drawn
// from a stream of their own, so the rest of a seed's data is what it was without them.

import type { PancakeConversation } from '../../pancake/types.js';
import type { Employee } from './model.js';
import { Random } from './random.js';
import { formatApiTime } from './time.js';

const user = (e: Employee) => ({ fb_id: e.fb_id, id: e.id, name: e.name });

/** One entry: who was added and removed at `ms`, by whom. */
export function assignmentEntry(ms: number, added: readonly Employee[], removed: readonly Employee[], editor: Employee | null): Record<string, unknown> {
  return {
    inserted_at: formatApiTime(Math.floor(ms / 1000) * 1000, 6),
    payload: { added_users: added.map(user), editor_id: editor?.id ?? null, editor_name: editor?.name ?? null, removed_users: removed.map(user) },
  };
}

/**
 * A history that ends with the conversation's current assignees: each assigned some time between
 * `fromMs` and `toMs`, and now and then someone else assigned first and taken off later.
 */
export function assigneeHistory(seed: number, conversation: PancakeConversation, employees: readonly Employee[], fromMs: number, toMs: number): Array<Record<string, unknown>> {
  const rng = Random.of('assignee-history', seed, conversation.id);
  const span = Math.max(0, toMs - fromMs);
  const at = () => fromMs + Math.floor(rng.next() * span);
  const current = (conversation.assignee_ids ?? []).map((id) => employees.find((e) => e.id === id)).filter((e): e is Employee => e !== undefined);
  const editor = () => (employees.length > 0 ? rng.pick(employees) : null);
  const entries: Array<{ ms: number; entry: Record<string, unknown> }> = current.map((e) => {
    const ms = at();
    return { ms, entry: assignmentEntry(ms, [e], [], editor()) };
  });
  const other = employees.find((e) => !current.includes(e));
  if (other && rng.chance(0.3)) {
    const [on, off] = [at(), at()].sort((a, b) => a - b) as [number, number];
    entries.push({ ms: on, entry: assignmentEntry(on, [other], [], editor()) }, { ms: off + 1000, entry: assignmentEntry(off + 1000, [], [other], editor()) });
  }
  return entries.sort((a, b) => a.ms - b.ms).map((e) => e.entry);
}

/** The entry a change of assignees adds (a live change or an `assign` write); null when nothing changed. */
export function assignmentChange(before: readonly string[], after: readonly string[], employees: readonly Employee[], ms: number): Record<string, unknown> | null {
  const find = (ids: readonly string[]) => ids.map((id) => employees.find((e) => e.id === id) ?? { id, name: '', fb_id: '' });
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  if (added.length === 0 && removed.length === 0) return null;
  // Through the API the editor is a page token, not an employee (inferred).
  return assignmentEntry(ms, find(added), find(removed), null);
}

/** The conversation's assignees: assignee_ids, or (on a channel that sends none) the replayed history. */
export function currentAssignees(conversation: PancakeConversation): string[] {
  if (Array.isArray(conversation.assignee_ids)) return conversation.assignee_ids;
  const assigned = new Set<string>();
  for (const entry of conversation.assignee_histories ?? []) {
    const payload = (entry as { payload?: { added_users?: Array<{ id: string }>; removed_users?: Array<{ id: string }> } }).payload ?? {};
    for (const u of payload.added_users ?? []) assigned.add(u.id);
    for (const u of payload.removed_users ?? []) assigned.delete(u.id);
  }
  return [...assigned];
}
