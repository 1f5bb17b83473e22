import { DAY, MART, PAGE_COLUMNS, complete, withPage, type ViewSpec } from './analytics-view-parts.js';

// What the ads cost against what they brought: per ad (daily_ads, ads kept apart by
// stats_ads.ad_key), per campaign (daily_campaigns), and the customers' ratings (daily_ratings).
// Money is 0, not null, on a day whose statistics were synced and did not list the ad or campaign;
// null only on a day they were not synced (see complete).

const adsDone = complete(['ads', 'inbox']);
const campaignsDone = complete(['campaigns', 'inbox']);
const ratingsDone = complete(['ratings']);

/** The row's day lies in the days the stream's statistics were synced (in the page's zone): what they did not list was 0. */
const synced = (stream: 'ads' | 'campaigns') => `a.day >= p.${stream}_first_day and a.day <= p.${stream}_last_day`;
const zeroWhenSynced = (column: string, stream: 'ads' | 'campaigns') => `coalesce(a.${column}, case when ${synced(stream)} then 0 end) as ${column}`;

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
    ['spend', 'Amount spent on the ad that day (pancake.stats_ads.spend); 0 when the day\'s ads statistics were synced and did not list the ad; null only when they were not synced for the day (see complete).'],
    ['impressions', 'Impressions that day; 0 and null as for spend.'],
    ['clicks', 'Clicks on the ad as the ad platform counts them (pancake.stats_ads.clicks); 0 and null as for spend.'],
    ['conversation_openings', 'Times a customer opened a conversation from the ad that day (pancake.ad_clicks).'],
    ['conversations', 'Distinct conversations opened from the ad that day.'],
    ['new_customers', 'Of those, the customer\'s first conversation with the page, started that day: new customers the ad brought.'],
    ['cost_per_conversation', 'spend / conversations; null when either is missing or zero.'],
    ['cost_per_new_customer', 'spend / new_customers; null when either is missing or zero.'],
    ['ad_key', 'The ad within the day (pancake.stats_ads.ad_key): its id, or for an ad the answer gave no id, a key made from its campaign, ad set and name. Group by it, not by ad_name.'],
    adsDone.column,
  ],
  body: withPage(
    `a.day, a.ad_id, a.ad_name, a.campaign_id, a.currency, ${['spend', 'impressions', 'clicks'].map((c) => zeroWhenSynced(c, 'ads')).join(', ')},
     a.conversation_openings, a.conversations, a.new_customers, round(a.spend / nullif(a.conversations, 0), 2) as cost_per_conversation, round(a.spend / nullif(a.new_customers, 0), 2) as cost_per_new_customer, a.ad_key, ${adsDone.sql}`,
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
    ['spend', 'Amount spent on the campaign that day (sum of its rows in pancake.stats_campaigns); 0 when the day\'s campaign statistics were synced and did not list it; null only when they were not synced for the day (see complete).'],
    ['impressions', 'Impressions that day; 0 and null as for spend.'],
    ['clicks', 'Link clicks that day (pancake.stats_campaigns.clicks); 0 and null as for spend.'],
    ['results', 'Results (the campaign\'s objective) that day, when the answer gives them.'],
    ['purchases', 'Purchases the ad platform attributes to the campaign that day.'],
    ['conversation_openings', 'Times a customer opened a conversation from one of the campaign\'s ads that day (pancake.ad_clicks).'],
    ['conversations', 'Conversations opened from the campaign\'s ads that day, distinct per ad (a conversation opened from two of its ads on one day counts twice).'],
    ['new_customers', 'Of those, the customer\'s first conversation with the page, started that day: new customers the campaign brought.'],
    ['cost_per_conversation', 'spend / conversations; null when either is missing or zero.'],
    ['cost_per_new_customer', 'spend / new_customers; null when either is missing or zero.'],
    campaignsDone.column,
  ],
  body: withPage(
    `a.day, a.campaign_key, a.campaign_id, a.campaign_name, a.status, a.currency, a.daily_budget, a.lifetime_budget, ${['spend', 'impressions', 'clicks'].map((c) => zeroWhenSynced(c, 'campaigns')).join(', ')},
     a.results, a.purchases, a.conversation_openings, a.conversations, a.new_customers, round(a.spend / nullif(a.conversations, 0), 2) as cost_per_conversation, round(a.spend / nullif(a.new_customers, 0), 2) as cost_per_new_customer, ${campaignsDone.sql}`,
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
    ratingsDone.column,
  ],
  body: withPage(
    `a.day, a.ratings, round(a.stars::numeric / nullif(a.ratings, 0), 2) as average_rating, ${STARS.map(([column]) => `a.${column}`).join(', ')}, ${ratingsDone.sql}`,
    `select page_id, day, coalesce(sum(feedbacks), 0)::int as ratings, coalesce(sum(feedbacks * rating), 0)::int as stars,
            ${STARS.map(([column, stars]) => `coalesce(sum(feedbacks) filter (where rating = ${stars}), 0)::int as ${column}`).join(',\n            ')}
     from pancake.stats_customer_feedbacks group by page_id, day`,
  ),
};

/** daily_ads, daily_campaigns, daily_ratings. */
export const CAMPAIGN_VIEWS: ViewSpec[] = [DAILY_ADS, DAILY_CAMPAIGNS, DAILY_RATINGS];
