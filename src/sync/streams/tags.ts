import type { ApiTag } from '../../pancake/types.js';
import { bool, str } from '../coercions.js';
import { skippedRecords } from '../skipped-records.js';
import { snapshotStream } from '../engines/snapshot.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { tags as tagsTable } from '../../warehouse/tables/shop.js';

export type TagRow = RowOf<typeof tagsTable>;

/** Tag ids are numbers in this list and strings in the tag statistics: stored as text so both join. */
export function mapTag(tag: ApiTag, pageId: string): TagRow {
  return {
    page_id: pageId,
    id: String(tag.id),
    text: str(tag.text),
    color: str(tag.color),
    lighten_color: str(tag.lighten_color),
    is_lead_event: bool(tag.is_lead_event),
    deleted_at: null,
    raw: tag,
  };
}

export const tagsStream = snapshotStream({
  name: 'tags',
  description: "the page's tag set, a full snapshot each run (removed tags get deleted_at)",
  table: tagsTable,
  async read(ctx) {
    const tags = await ctx.client.listTags(ctx.page.id);
    // The API has been seen to put null into tag lists (not a tag: dropped); a tag needs an id to be a row.
    const skipped = skippedRecords(ctx, 'tags');
    const rows = skipped.keep(tags.filter((t): t is ApiTag => t !== null && typeof t === 'object'), (t) => t.id).map((t) => mapTag(t, ctx.page.id));
    skipped.report();
    return { records: tags.length, rows };
  },
});
