import type { Stream } from '../../stream.js';
import { adsStream } from './ads.js';
import { campaignsStream } from './campaigns.js';
import { customerFeedbacksStream } from './customer-feedbacks.js';
import { engagementStream } from './engagement.js';
import { newCustomersStream } from './new-customers.js';
import { pageStatsStream } from './pages.js';
import { tagStatsStream } from './tags.js';
import { userStatsStream } from './users.js';
import { usersEngagementsStream } from './users-engagements.js';

/** The statistics streams, one per endpoint (docs/pancake-api.md, "Statistics"), each in its own file. */
export const statisticsStreams: readonly Stream[] = [
  engagementStream,
  usersEngagementsStream,
  pageStatsStream,
  tagStatsStream,
  userStatsStream,
  newCustomersStream,
  adsStream,
  campaignsStream,
  customerFeedbacksStream,
];
