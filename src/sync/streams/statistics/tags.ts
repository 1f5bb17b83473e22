import type { TagStatisticsResponse } from '../../../pancake/types.js';
import { int, str } from '../../coercions.js';
import { dayPeriods } from './columnar.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsTags } from '../../../warehouse/tables/statistics.js';

export type TagStatsRow = RowOf<typeof statsTags>;

/**
 * Keyed columns → rows: `series["<tag id or text>"][i]` is the count of that tag on day i. The
 * reference allows either key, so a key is matched to the `tags` list by id first, then by text;
 * the row is keyed by the tag's id whenever one is known, so both spellings land on one row.
 */
export function mapTagStatistics(body: TagStatisticsResponse, window: DayWindow, pageId: string): TagStatsRow[] {
  const periods = dayPeriods(body.data.categories, window, 'tag statistics categories');
  const tags = Array.isArray(body.tags) ? body.tags : [];
  const rows: TagStatsRow[] = [];
  for (const [key, counts] of Object.entries(body.data.series)) {
    const tag = tags.find((t) => t && String(t.id) === key) ?? tags.find((t) => t && t.text === key) ?? null;
    periods.forEach((period, i) => {
      const count = Array.isArray(counts) ? (counts[i] ?? null) : null;
      rows.push({
        page_id: pageId,
        day: period.day,
        tag_id: tag ? String(tag.id) : key,
        period_start: period.start,
        tag_text: str(tag?.text) ?? (tag ? null : key),
        tag_color: str(tag?.color),
        count: int(count),
        raw: { category: body.data.categories[i], series: key, count },
      });
    });
  }
  return rows;
}

export const tagStatsStream = dailyStream<TagStatsRow>({
  stream: 'stats_tags',
  description: 'tag usage per tag and local day (statistics/tags)',
  table: statsTags,
  maxDays: 30,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const body = await ctx.client.getTagStatistics(ctx.page.id, { since: window.since, until: window.until });
    return mapTagStatistics(body, window, ctx.page.id);
  },
});
