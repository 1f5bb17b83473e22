import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { UserError } from './errors.js';
import { SETTINGS, type Setting, type SettingValues } from './settings.js';

export { isValidTimeZone } from './settings.js';

/** Validated configuration: every setting of src/settings.ts, parsed and checked. */
export type Config = SettingValues & {
  /** True when PANCAKE_TIMEZONE was set: it then overrides the pages' own `timezone`. */
  timezoneOverride: boolean;
};

export class ConfigError extends UserError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Configuration problem: ${problems[0]}`
        : `Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

export type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) under the real environment; the environment wins. */
export function readEnvironment(cwd = process.cwd()): Env {
  const path = `${cwd}/.env`;
  const fromFile: Env = {};
  if (existsSync(path)) loadDotenv({ path, processEnv: fromFile as Record<string, string>, quiet: true });
  return { ...fromFile, ...process.env };
}

/**
 * Parses every setting and reports all problems in one error, each with the variable's name, what
 * is accepted and an example of a good value, so a user fixes their .env in one pass.
 */
export function parseConfig(env: Env, now: Date = new Date()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const values: Record<string, unknown> = {};
  for (const [field, setting] of Object.entries(SETTINGS) as Array<[string, Setting<unknown>]>) {
    values[field] = setting.parse(get(setting.env), {
      now,
      problem: (what) => problems.push(`${setting.env} ${what} (example: ${setting.env}=${setting.example})`),
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(values as SettingValues), timezoneOverride: get(SETTINGS.timezone.env) !== undefined };
}

/** Problems that only matter for commands that talk to Pancake (sync), not for migrate/status. */
export function requireCredentials(config: Config): void {
  if (!config.accessToken && config.pageTokens.size === 0) {
    throw new ConfigError([
      'PANCAKE_ACCESS_TOKEN is not set (and no PANCAKE_PAGE_TOKENS): pancake-sync needs a token to read your pages. ' +
        'Copy the user token from Pancake (Settings → Tools → API) into .env (example: PANCAKE_ACCESS_TOKEN=eyJhbGciOi...), ' +
        'or run `pancake-sync demo` to try it against the local simulator',
    ]);
  }
}
