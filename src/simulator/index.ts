// The Pancake API simulator's public face (`pancake-sync/simulator`; docs/simulator.md). Start one
// with `startSimulator` and point a client at its baseUrl; `createSimulatorData` gives the same data
// without a server, for tests that only need the truth.

export { startSimulator } from './http/server.js';
export type { PagingFaults, ResponseOverride, Simulator, SimulatorOptions } from './contract.js';
export { defaultChangeRates, type ShopChangeRates, type ShopChanges } from './live/shop-changes.js';
export type { EntitySimulator } from './live/record-changes.js';
export type { LiveChangeKind, LiveShopOptions, LiveShopStats } from './live/live-shop.js';
export { FAULT_KINDS, TRANSIENT_FAULT_KINDS, type FaultKind, type FaultOptions } from './http/faults.js';
export type { Endpoint, RequestLogEntry } from './http/request-log.js';
export type { RequestHold } from './http/holds.js';
export type { OtherClientLoad } from './http/rate-limit.js';
export type { PageListStatus } from './http/routes/route.js';

export { createSimulatorData, conversationsUpdatedBetween, countMessages } from './shop/data-set.js';
export type { DataOptions, DeletableKind, DeletedRecords, Employee, EntityData, EntityOptions, LateStampedRecord, PageUsers, SimulatorData, StatisticsState } from './shop/model.js';
export { SENDER_KINDS, type SenderKind, countSenderKinds, isAdClickItem, senderKindOf } from './shop/sender-kinds.js';
export { formatApiTime, parseApiTime } from './shop/time.js';
export { pageTokenFor, userJwtFor, userTokenFor } from './shop/access-tokens.js';
export { makeHostile } from './shop/hostile-records.js';
export * as simulatedStatistics from './statistics/index.js';
