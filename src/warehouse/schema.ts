import type { Selectable } from 'kysely';
import type { ConversationMessageStateTable, SyncLocksTable, SyncRunsTable, SyncStateTable } from './tables/bookkeeping.js';
import type {
  AdClicksTable,
  ConversationAssigneesTable,
  ConversationAssignmentEventsTable,
  ConversationDetailsTable,
  ConversationsTable,
  ConversationTagEventsTable,
  ConversationTagsTable,
  MessageAttachmentsTable,
  MessagesTable,
  PagesTable,
} from './tables/inbox.js';
import type { CallLogsTable, CustomerPhoneNumbersTable, CustomersTable, PageUsersTable, PostsTable, TagsTable } from './tables/shop.js';
import type {
  StatsAdsTable,
  StatsCampaignsTable,
  StatsCustomerFeedbacksTable,
  StatsEngagementTable,
  StatsNewCustomersTable,
  StatsPagesTable,
  StatsTagsTable,
  StatsUsersEngagementsTable,
  StatsUsersTable,
} from './tables/statistics.js';

// The warehouse schema as kysely sees it: one interface per table, grouped by concept in tables/.
// The migrations in ../../migrations create the tables; test/integration/table-declarations.test.ts
// holds these interfaces and the streams' column lists against the database.

export type * from './tables/bookkeeping.js';
export type * from './tables/inbox.js';
export type * from './tables/shop.js';
export type * from './tables/statistics.js';

export interface Database {
  'pancake.pages': PagesTable;
  'pancake.conversations': ConversationsTable;
  'pancake.messages': MessagesTable;
  'pancake.ad_clicks': AdClicksTable;
  'pancake.conversation_details': ConversationDetailsTable;
  'pancake.conversation_message_state': ConversationMessageStateTable;
  'pancake.sync_state': SyncStateTable;
  'pancake.sync_runs': SyncRunsTable;
  'pancake.sync_locks': SyncLocksTable;
  'pancake.stats_ads': StatsAdsTable;
  'pancake.stats_engagement': StatsEngagementTable;
  'pancake.stats_pages': StatsPagesTable;
  'pancake.stats_tags': StatsTagsTable;
  'pancake.stats_users': StatsUsersTable;
  'pancake.stats_new_customers': StatsNewCustomersTable;
  'pancake.customers': CustomersTable;
  'pancake.call_logs': CallLogsTable;
  'pancake.posts': PostsTable;
  'pancake.tags': TagsTable;
  'pancake.page_users': PageUsersTable;
  'pancake.conversation_tags': ConversationTagsTable;
  'pancake.conversation_assignees': ConversationAssigneesTable;
  'pancake.conversation_tag_events': ConversationTagEventsTable;
  'pancake.conversation_assignment_events': ConversationAssignmentEventsTable;
  'pancake.message_attachments': MessageAttachmentsTable;
  'pancake.customer_phone_numbers': CustomerPhoneNumbersTable;
  'pancake.stats_users_engagements': StatsUsersEngagementsTable;
  'pancake.stats_campaigns': StatsCampaignsTable;
  'pancake.stats_customer_feedbacks': StatsCustomerFeedbacksTable;
}

export type SyncRun = Selectable<SyncRunsTable>;
