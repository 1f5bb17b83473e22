// Public entry point of the Pancake API simulator. `startSimulator` serves over HTTP;
// `createSimulatorData` gives the same data without a server, for tests that only need the truth.

export { startSimulator } from './http/server.js';
export { createSimulatorData, conversationsUpdatedBetween, countMessages } from './shop/data-set.js';
export type { DataOptions, SimulatorData } from './shop/data-set.js';
export type { Employee } from './shop/new-conversation.js';
export type { EntityData, EntityOptions, PageUsers } from './shop/page-records.js';
export type { EntitySimulator } from './live/record-changes.js';
export { FAULT_KINDS, TRANSIENT_FAULT_KINDS } from './contract.js';
export { makeHostile } from './shop/hostile-records.js';
export type { LiveChangeKind, LiveShopOptions, LiveShopStats } from './live/live-shop.js';
export type { Endpoint, FaultKind, FaultOptions, RequestLogEntry, ResponseOverride, Simulator, SimulatorOptions } from './contract.js';
export { formatApiTime, parseApiTime } from './shop/time.js';
export { SENDER_KINDS, type SenderKind, countSenderKinds, isAdClickItem, senderKindOf } from './shop/sender-kinds.js';
export { WEB_PAGE_INDEX } from './shop/pages.js';
export { CONVERSATIONS_PER_PAGE, MESSAGES_PER_BATCH } from './http/conversation-listing.js';
export { MAX_RANGE_SECONDS } from './http/api.js';
export { userTokenFor, pageTokenFor } from './http/token-book.js';
export * as simulatedStatistics from './statistics/index.js';
