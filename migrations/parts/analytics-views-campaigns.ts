import { DAY, MART, PAGE_COLUMNS, TAG_ID, withPage, type ViewSpec } from './analytics-view-parts.js';

// The views 0013_pancake_names adds (daily_campaigns next to daily_ads, daily_ratings) and the ones
// it redefines: the tag views read pancake.conversation_tag_events, and daily_ads keeps ads apart
// by stats_ads.ad_key. Frozen with the migration like any DDL.

// ---- Redefined by 0013 (same columns as in 0008, in the same order; daily_ads gains ad_key at the
// end). Only the source changes: reconcile with later changes to these views' structure here.

const TAG_DELETED = `(t.deleted_at is not null or coalesce(t.raw -> 'is_deactive' = 'true'::jsonb, false))`;
const TAG_JOIN = 'left join pancake.tags t on t.page_id = a.page_id and t.id = a.tag_id';

/**
 * The local date of `at` in `zone` as pancake-sync names zones ('UTC+7' a fixed offset, east
 * positive; else an IANA name): pancake_private.local_time written out, because a view's reader
 * must be allowed to call every function it calls, and readers may not enter pancake_private.
 */
function localDay(at: string, zone: string): string {
  return `(case when ${zone} ~ '^UTC[+-][0-9]{1,2}(:[0-9]{2})?$'
      then (${at} at time zone 'UTC') + (case when substr(${zone}, 4, 1) = '-' then -1 else 1 end) * (substr(${zone}, 5) || case when position(':' in ${zone}) > 0 then '' else ':00' end)::interval
      else ${at} at time zone ${zone} end)::date`;
}

/** The tag events with their local day, in the zone the page's analytics use (pancake.pages.zone). */
const TAG_EVENTS = `
  select e.page_id, ${localDay('e.at', 'z.zone')} as day, e.conversation_id, e.action, e.tag_id, e.tag_text
  from pancake.conversation_tag_events e join pancake.pages z on z.id = e.page_id and z.zone is not null
  where e.at is not null and e.action is not null and e.tag_id is not null`;

function tagsApplied(includeDeleted: boolean): ViewSpec {
  const deleted: Array<[string, string]> = includeDeleted
    ? [['tag_deleted', 'True when the tag was deleted in Pancake: gone from the page\'s tag list (pancake.tags.deleted_at) or marked is_deactive.']]
    : [];
  return {
    name: includeDeleted ? 'daily_tags_applied_including_deleted' : 'daily_tags_applied',
    comment: `Per page, local day and tag: how often the tag was applied and removed that day, from the conversations' tag histories (pancake.conversation_tag_events). ${includeDeleted ? 'Deleted tags included, flagged in tag_deleted.' : 'Tags deleted in Pancake are left out (see daily_tags_applied_including_deleted).'} Conversations whose history the API did not send are not counted; pancake.stats_tags has the API's own daily counts.`,
    columns: [
      ...PAGE_COLUMNS,
      ['day', `${DAY} Of the tag change.`],
      ['tag_id', TAG_ID],
      ['tag_text', 'Tag label (pancake.tags.text, else the label in the history).'],
      ...deleted,
      ['times_applied', 'Times an employee added the tag to a conversation that day (adds up over days).'],
      ['times_removed', 'Times the tag was removed from a conversation that day (adds up over days).'],
      ['conversations_tagged', 'Distinct conversations the tag was added to that day. Distinct within the day; a conversation tagged again on another day counts again.'],
    ],
    body: withPage(
      `a.day, a.tag_id, coalesce(t.text, a.tag_text) as tag_text, ${includeDeleted ? `${TAG_DELETED} as tag_deleted, ` : ''}a.times_applied, a.times_removed, a.conversations_tagged`,
      `select page_id, day, tag_id, max(tag_text) as tag_text,
              (count(*) filter (where action = 'add'))::int as times_applied,
              (count(*) filter (where action = 'remove'))::int as times_removed,
              (count(distinct conversation_id) filter (where action = 'add'))::int as conversations_tagged
       from (${TAG_EVENTS}) ev group by page_id, day, tag_id`,
      `${TAG_JOIN}${includeDeleted ? '' : ` where not ${TAG_DELETED}`}`,
    ),
  };
}

const DAILY_ADS: ViewSpec = {
  name: 'daily_ads',
  comment: 'Per page, local day and ad: what the ad cost (pancake.stats_ads) against the conversations and new customers it brought (pancake.ad_clicks), and the cost of each. Ads are kept apart by ad_key, so two ads of one name are two rows. Sum spend and conversations over a period before dividing.',
  columns: [
    ...PAGE_COLUMNS,
    ['day', DAY],
    ['ad_id', 'Ad (pancake.stats_ads.ad_id, pancake.ad_clicks.ad_id); null for an ad the ads answer gave no id (then no conversation can be joined to it).'],
    ['ad_name', 'Ad name (pancake.stats_ads.ad_name).'],
    ['campaign_id', 'Campaign of the ad (pancake_analytics.daily_campaigns).'],
    ['currency', 'Currency of spend.'],
    ['spend', 'Amount spent on the ad that day (pancake.stats_ads.spend); null when the ad statistics were not synced for the day.'],
    ['impressions', 'Impressions that day.'],
    ['clicks', 'Clicks on the ad as the ad platform counts them (pancake.stats_ads.clicks).'],
    ['conversation_openings', 'Times a customer opened a conversation from the ad that day (pancake.ad_clicks).'],
    ['conversations', 'Distinct conversations opened from the ad that day.'],
    ['new_customers', 'Of those, the customer\'s first conversation with the page, started that day: new customers the ad brought.'],
    ['cost_per_conversation', 'spend / conversations; null when either is missing or zero.'],
    ['cost_per_new_customer', 'spend / new_customers; null when either is missing or zero.'],
    ['ad_key', 'The ad within the day (pancake.stats_ads.ad_key): its id, or for an ad the answer gave no id, a key made from its campaign, ad set and name. Group by it, not by ad_name.'],
  ],
  body: withPage(
    'a.day, a.ad_id, a.ad_name, a.campaign_id, a.currency, a.spend, a.impressions, a.clicks, a.conversation_openings, a.conversations, a.new_customers, round(a.spend / nullif(a.conversations, 0), 2) as cost_per_conversation, round(a.spend / nullif(a.new_customers, 0), 2) as cost_per_new_customer, a.ad_key',
    `select page_id, day, ad_key, max(ad_id) as ad_id, max(ad_name) as ad_name, max(campaign_id) as campaign_id, max(currency) as currency,
            sum(spend) as spend, sum(impressions)::bigint as impressions, sum(clicks)::bigint as clicks,
            coalesce(sum(conversation_openings), 0)::int as conversation_openings, coalesce(sum(conversations), 0)::int as conversations, coalesce(sum(new_customers), 0)::int as new_customers
     from (
       select page_id, day, ad_key, ad_id, ad_name, campaign_id, currency, spend, impressions, clicks, null::int as conversation_openings, null::int as conversations, null::int as new_customers
       from pancake.stats_ads
       union all
       select page_id, day, ad_id, ad_id, null, null, null, null, null, null, conversation_openings, conversations, new_customers
       from ${MART}.analytics_ad_days
     ) u
     group by page_id, day, ad_key`,
  ),
};

/** The views 0013 redefines, in place (create or replace). */
export const REDEFINED_VIEWS: ViewSpec[] = [tagsApplied(false), tagsApplied(true), DAILY_ADS];

// ---- New in 0013.

/** Which campaign each ad belongs to, from the ads and the campaigns answers. */
const AD_CAMPAIGNS = `
  select page_id, ad_id, campaign_id from pancake.stats_ads where ad_id is not null and campaign_id is not null
  union
  select page_id, ad_id, campaign_id from pancake.stats_campaigns where ad_id is not null and campaign_id is not null`;

const DAILY_CAMPAIGNS: ViewSpec = {
  name: 'daily_campaigns',
  comment: 'Per page, local day and ad campaign: its budgets, spend, clicks and results (pancake.stats_campaigns) against the conversations and new customers its ads brought (pancake.ad_clicks, through the campaign of each ad in pancake.stats_ads and pancake.stats_campaigns), and the cost of each. Sum spend and conversations over a period before dividing.',
  columns: [
    ...PAGE_COLUMNS,
    ['day', DAY],
    ['campaign_key', 'The campaign: its id, or for a campaign the answer gave no id, its key in pancake.stats_campaigns (campaign_key). Group by it, not by campaign_name.'],
    ['campaign_id', 'Campaign id (pancake.stats_campaigns.campaign_id, pancake.stats_ads.campaign_id); null when the answer gave none.'],
    ['campaign_name', 'Campaign name.'],
    ['status', 'Campaign status when synced (ACTIVE, PAUSED, ...).'],
    ['currency', 'Currency of the money columns.'],
    ['daily_budget', 'Daily budget (the largest among the campaign\'s rows that day: when Pancake splits a campaign into ad sets with budgets of their own, see pancake.stats_campaigns).'],
    ['lifetime_budget', 'Lifetime budget (as daily_budget).'],
    ['spend', 'Amount spent on the campaign that day (sum of its rows in pancake.stats_campaigns); null when the campaign statistics were not synced for the day.'],
    ['impressions', 'Impressions that day.'],
    ['clicks', 'Link clicks that day (pancake.stats_campaigns.clicks).'],
    ['results', 'Results (the campaign\'s objective) that day, when the answer gives them.'],
    ['purchases', 'Purchases the ad platform attributes to the campaign that day.'],
    ['conversation_openings', 'Times a customer opened a conversation from one of the campaign\'s ads that day (pancake.ad_clicks).'],
    ['conversations', 'Conversations opened from the campaign\'s ads that day, distinct per ad (a conversation opened from two of its ads on one day counts twice).'],
    ['new_customers', 'Of those, the customer\'s first conversation with the page, started that day: new customers the campaign brought.'],
    ['cost_per_conversation', 'spend / conversations; null when either is missing or zero.'],
    ['cost_per_new_customer', 'spend / new_customers; null when either is missing or zero.'],
  ],
  body: withPage(
    'a.day, a.campaign_key, a.campaign_id, a.campaign_name, a.status, a.currency, a.daily_budget, a.lifetime_budget, a.spend, a.impressions, a.clicks, a.results, a.purchases, a.conversation_openings, a.conversations, a.new_customers, round(a.spend / nullif(a.conversations, 0), 2) as cost_per_conversation, round(a.spend / nullif(a.new_customers, 0), 2) as cost_per_new_customer',
    `select page_id, day, campaign_key, max(campaign_id) as campaign_id, max(campaign_name) as campaign_name, max(status) as status, max(currency) as currency,
            max(daily_budget) as daily_budget, max(lifetime_budget) as lifetime_budget, sum(spend) as spend, sum(impressions)::bigint as impressions, sum(clicks)::bigint as clicks,
            sum(results) as results, sum(purchases) as purchases,
            coalesce(sum(conversation_openings), 0)::int as conversation_openings, coalesce(sum(conversations), 0)::int as conversations, coalesce(sum(new_customers), 0)::int as new_customers
     from (
       select page_id, day, coalesce(campaign_id, campaign_key) as campaign_key, campaign_id, campaign_name, status, currency, daily_budget, lifetime_budget, spend, impressions, clicks, results, purchases,
              null::int as conversation_openings, null::int as conversations, null::int as new_customers
       from pancake.stats_campaigns
       union all
       select d.page_id, d.day, m.campaign_id, m.campaign_id, null, null, null, null, null, null, null, null, null, null, d.conversation_openings, d.conversations, d.new_customers
       from ${MART}.analytics_ad_days d join (${AD_CAMPAIGNS}) m on m.page_id = d.page_id and m.ad_id = d.ad_id
     ) u
     group by page_id, day, campaign_key`,
  ),
};

const STARS: Array<[string, number]> = [['five_star', 5], ['four_star', 4], ['three_star', 3], ['two_star', 2], ['one_star', 1]];

const DAILY_RATINGS: ViewSpec = {
  name: 'daily_ratings',
  comment: 'Per page and local day: customer ratings (pancake.stats_customer_feedbacks, an opt-in stream whose request is a guess), their average and how many of each star. Average over a period from the counts, not by averaging daily averages.',
  columns: [
    ...PAGE_COLUMNS,
    ['day', DAY],
    ['ratings', 'Ratings given that day.'],
    ['average_rating', 'Average stars of that day\'s ratings (1 to 5), to two decimals.'],
    ...STARS.map(([column, stars]): [string, string] => [column, `Ratings of ${stars} star${stars > 1 ? 's' : ''} that day.`]),
  ],
  body: withPage(
    `a.day, a.ratings, round(a.stars::numeric / nullif(a.ratings, 0), 2) as average_rating, ${STARS.map(([column]) => `a.${column}`).join(', ')}`,
    `select page_id, day, coalesce(sum(feedbacks), 0)::int as ratings, coalesce(sum(feedbacks * rating), 0)::int as stars,
            ${STARS.map(([column, stars]) => `coalesce(sum(feedbacks) filter (where rating = ${stars}), 0)::int as ${column}`).join(',\n            ')}
     from pancake.stats_customer_feedbacks group by page_id, day`,
  ),
};

/** The views 0013 adds. */
export const CAMPAIGN_VIEWS: ViewSpec[] = [DAILY_CAMPAIGNS, DAILY_RATINGS];
