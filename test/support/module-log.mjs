// Preloaded with `node --import` (e.g. NODE_OPTIONS=--import=<this file>): appends the URL of every
// ES module the process loads to the file MODULE_LOG names, one a line, so a test can tell which of
// the project's code a command loaded. The hook runs on the loader's own thread (module-log-hooks.mjs).

import { register } from 'node:module';

if (process.env.MODULE_LOG) register('./module-log-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_LOG } });
