import type { StreamContext, StreamPlan } from './stream.js';
import { countWindows } from './windowed.js';

/** The --dry-run plan of a stream walked by runWindowed: its windows, and what each costs. */
export async function windowedPlan(ctx: StreamContext, stream: string, costPerWindow: string): Promise<StreamPlan> {
  const { windows, resumes } = await countWindows(ctx, stream);
  const first = windows[0];
  const last = windows.at(-1);
  return {
    units: windows.length,
    estimatedRequests: windows.length,
    detail: first && last ? `${resumes ? 'resume' : 'from'} ${first.since.toISOString()} to ${last.until.toISOString()} in ${windows.length} window(s), ${costPerWindow}` : 'nothing to read',
  };
}
