import { UsageError } from '../errors.js';
import type { Rule } from '../rules.js';

// Flags follow the same rules as settings (src/rules.ts): a value refused here is refused with the
// same words in the environment, and --help shows what each flag accepts.

/** A flag's value by its rule; a refused value is a UsageError (exit 2): one line with an example. */
export function parseFlag<T>(flag: string, rule: Rule<T>, raw: string, example: string, now = new Date()): T {
  const parsed = rule.parse(raw.trim(), now);
  if ('value' in parsed) return parsed.value;
  throw new UsageError(`${flag} ${parsed.problem} (example: ${flag} ${example})`);
}

/** Like parseFlag; null when the flag was not given. */
export function parseOptionalFlag<T>(flag: string, rule: Rule<T>, raw: string | undefined, example: string, now = new Date()): T | null {
  return raw === undefined ? null : parseFlag(flag, rule, raw, example, now);
}

/** A flag's help: what it does, then what it accepts. */
export function flagHelp(text: string, rule: Rule<unknown>): string {
  return `${text}; accepts ${rule.accepts}`;
}
