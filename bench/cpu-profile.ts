import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Reads the .cpuprofile files `node --cpu-prof` wrote and sums self time by function and by file:
// what `npm run bench -- --cpu --profile` prints, the evidence behind bench/README.md's CPU section.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
}

/** Self time (ms) per function and per file (node_modules packages as one), largest first. */
export function summarizeProfiles(dir: string): { functions: SelfTime[]; files: SelfTime[]; totalMs: number } {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!node) return;
      totalMs += ms;
      const where = place(node.callFrame.url);
      const name = `${node.callFrame.functionName || '(anonymous)'} ${where}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      byFile.set(where, (byFile.get(where) ?? 0) + ms);
    });
  }
  const sorted = (map: Map<string, number>): SelfTime[] => [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { functions: sorted(byFunction), files: sorted(byFile), totalMs };
}

/** A script's URL shortened to what says where the time went: a package, or a path under dist/. */
function place(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(.*)$/.exec(url);
  if (own) return own[1]!;
  return url.replace(/^file:\/\//, '');
}
