// The commands that run the simulator, declared by name and description only: their modules (and
// with them the simulator) load when one of them runs or shows its help (see lazy.ts).

import type { Command } from 'commander';
import { lazyCommand } from './lazy.js';

export function demoCommand(): Command {
  return lazyCommand('demo', 'start the simulator and a Postgres (embedded unless DATABASE_URL is set), run a full sync, print a summary', async () => (await import('./demo.js')).defineDemo);
}

export function simulateCommand(): Command {
  return lazyCommand('simulate', 'serve the local Pancake API simulator (for trying pancake-sync without a shop)', async () => (await import('./simulate.js')).defineSimulate);
}
