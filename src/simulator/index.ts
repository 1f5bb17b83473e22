// Public entry point of the Pancake API simulator. `startSimulator` serves over HTTP;
// `createSimulatorData` gives the same data without a server, for tests that only need the truth.

export { startSimulator } from './server.js';
export { createSimulatorData, conversationsUpdatedBetween, countMessages } from './data.js';
export type { DataOptions, SimulatorData } from './data.js';
export type { Employee } from './records.js';
export type { EntityData, EntityOptions, PageUsers } from './entities.js';
export type { EntitySimulator } from './entity-mutations.js';
export { FAULT_KINDS, TRANSIENT_FAULT_KINDS } from './types.js';
export { makeHostile } from './hostile.js';
export type { LiveChangeKind, LiveShopOptions, LiveShopStats } from './live-shop.js';
export type { Endpoint, FaultKind, FaultOptions, RequestLogEntry, ResponseOverride, Simulator, SimulatorOptions } from './types.js';
export { formatApiTime, parseApiTime } from './time.js';
export { SENDER_KINDS, type SenderKind, countSenderKinds, isAdClickItem, senderKindOf } from './senders.js';
export { WEB_PAGE_INDEX } from './pages.js';
export { CONVERSATIONS_PER_PAGE, MESSAGES_PER_BATCH } from './listing.js';
export { MAX_RANGE_SECONDS } from './api.js';
export { userTokenFor, pageTokenFor } from './tokens.js';
export * as simulatedStatistics from './statistics/index.js';
