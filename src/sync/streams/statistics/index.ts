import type { Stream } from '../../stream.js';
import { adsStream } from './ads.js';
import { engagementStream } from './engagement.js';
import { newCustomersStream } from './new-customers.js';
import { pageStatsStream } from './pages.js';
import { tagStatsStream } from './tags.js';
import { userStatsStream } from './users.js';

/** The statistics streams, one per endpoint (docs/pancake-api.md, "Statistics"), each in its own file. */
export const statisticsStreams: readonly Stream[] = [engagementStream, pageStatsStream, tagStatsStream, userStatsStream, newCustomersStream, adsStream];
