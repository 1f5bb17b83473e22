import pino, { type Logger, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';
import { redact } from './redact.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stderr by default so that `--json` output on stdout stays clean. */
  destination?: DestinationStream;
  pretty?: boolean;
}

/**
 * pino on stderr. Every string that reaches a log line passes `redact()`: tokens sit in URLs and
 * error messages, where path-based redaction cannot see them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? prettyOrPlainStderr(options.pretty ?? false);
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: ['*.access_token', '*.page_access_token', '*.token', 'token', 'accessToken', '*.accessToken'], censor: '***' },
      hooks: {
        streamWrite: (line) => redact(line),
      },
      serializers: { err: errorSerializer(options.level ?? 'info') },
    },
    destination,
  );
}

/**
 * Errors in log lines: type and message always, the stack trace (file paths, line numbers) only at
 * LOG_LEVEL=debug or trace, as for every other expected failure (README, "Failures you can act on").
 */
function errorSerializer(level: string): (error: Error) => Record<string, unknown> {
  const stacks = level === 'debug' || level === 'trace';
  return (error) => {
    const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
    if (stacks || typeof serialized !== 'object' || serialized === null) return serialized;
    const { stack: _stack, ...rest } = serialized;
    return rest;
  };
}

function prettyOrPlainStderr(pretty: boolean): DestinationStream {
  if (pretty) {
    // pino-pretty as an in-process stream: a worker-thread transport would outlive short commands.
    return pinoPretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' });
  }
  return pino.destination({ fd: 2, sync: true });
}

export const silentLogger: Logger = pino({ level: 'silent' });
