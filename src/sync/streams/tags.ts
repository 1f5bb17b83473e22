import type { ApiTag } from '../../pancake/types.js';
import type { TagsTable } from '../../warehouse/schema.js';
import type { TableSpec } from '../../warehouse/upsert.js';
import { bool, str } from '../coercions.js';
import { skippedRecords } from '../skipped-records.js';
import { snapshotStream } from '../engines/snapshot.js';

export type TagRow = Omit<TagsTable, 'synced_at' | 'raw' | 'deleted_at'> & { deleted_at: Date | null; raw: unknown };

export const tagsTable: TableSpec<TagRow> = {
  table: 'pancake.tags',
  key: ['page_id', 'id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'id', type: 'text' },
    { name: 'text', type: 'text' },
    { name: 'color', type: 'text' },
    { name: 'lighten_color', type: 'text' },
    { name: 'is_lead_event', type: 'boolean' },
    { name: 'deleted_at', type: 'timestamptz' },
    { name: 'raw', type: 'jsonb' },
  ],
};

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
