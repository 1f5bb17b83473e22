import type { ListUsersResponse, PancakeUser } from '../../pancake/types.js';
import { dedupeByKey } from '../../warehouse/upsert.js';
import { bool, str, usableId } from '../coercions.js';
import { skippedRecords, type SkippedRecords } from '../skipped-records.js';
import { snapshotStream } from '../engines/snapshot.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { pageUsers } from '../../warehouse/tables/shop.js';

export type PageUserRow = RowOf<typeof pageUsers>;

/** One row per user of `users` and `disabled_users` (a user in both counts as disabled). */
export function mapPageUsers(body: ListUsersResponse, pageId: string, skipped?: SkippedRecords): PageUserRow[] {
  const inbox = new Set((body.round_robin_users?.inbox ?? []).map(String));
  const comment = new Set((body.round_robin_users?.comment ?? []).map(String));
  const row = (user: PancakeUser, disabled: boolean): PageUserRow => ({
    page_id: pageId,
    id: String(user.id),
    name: str(user.name),
    fb_id: str(user.fb_id),
    status: str(user.status),
    status_in_page: str(user.status_in_page),
    is_online: bool(user.is_online),
    is_disabled: disabled,
    round_robin_inbox: inbox.has(String(user.id)),
    round_robin_comment: comment.has(String(user.id)),
    deleted_at: null,
    raw: user,
  });
  const objects = (users: PancakeUser[] | undefined): PancakeUser[] => (Array.isArray(users) ? users.filter((u) => u !== null && typeof u === 'object') : []);
  // A user needs an id to be a row (skipped-records.ts).
  const valid = (users: PancakeUser[] | undefined): PancakeUser[] => (skipped ? skipped.keep(objects(users), (u) => u.id) : objects(users).filter((u) => usableId(u.id) !== null));
  return dedupeByKey([...valid(body.users).map((u) => row(u, false)), ...valid(body.disabled_users).map((u) => row(u, true))], ['page_id', 'id']);
}

export const pageUsersStream = snapshotStream({
  name: 'page_users',
  description: "the page's employees (users and disabled users), a full snapshot each run (removed users get deleted_at)",
  table: pageUsers,
  async read(ctx) {
    const body = await ctx.client.listUsers(ctx.page.id);
    const skipped = skippedRecords(ctx, 'page_users');
    const rows = mapPageUsers(body, ctx.page.id, skipped);
    skipped.report();
    return { records: (body.users?.length ?? 0) + (body.disabled_users?.length ?? 0), rows };
  },
});
