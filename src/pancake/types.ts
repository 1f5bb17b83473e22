// Response and record types as the Pancake API sends them, one file per concept in types/: what
// every answer shares, the inbox (pages, conversations, messages), the shop's other records
// (customers, call logs, posts, users) and the statistics.

export type * from './types/common.js';
export type * from './types/inbox.js';
export type * from './types/shop.js';
export type * from './types/statistics.js';
