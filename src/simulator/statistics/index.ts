// The simulated statistics as pure functions of the data, for tests that compute the expected
// warehouse rows without asking the server.

export { adsOf, adsStatistics, type SimAd } from './ads.js';
export { campaignStatistics } from './campaigns.js';
export { feedbackStatistics } from './feedbacks.js';
export { usersEngagements } from './users-engagements.js';
export { type Bucket, type Range, dayBuckets, hourBuckets, hourStamp, hoursOf, parseDateRange } from './buckets.js';
export { ENGAGEMENT_SERIES, engagementStatistics, newCustomerStatistics, pageStatistics, tagStatistics, userStatistics } from './responses.js';
export { bumpStatistics, statisticsZone } from './state.js';
