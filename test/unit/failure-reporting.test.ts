import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { EXIT_INCOMPLETE, EXIT_USAGE, UsageError, UserError, exitCodeOf } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { PancakeError } from '../../src/pancake/errors.js';
import { failureLogFields, StreamUnavailableError, UnknownStreamError } from '../../src/sync/errors.js';
import { DatabaseUnreachableError } from '../../src/warehouse/db.js';
import { EmbeddedPostgresError } from '../../src/warehouse/embedded.js';
import { SchemaTooNewError } from '../../src/warehouse/migrate.js';

// What a user can fix exits 2 with its message alone; expected failures are one log line; a stack
// trace only for the unexpected, and only at debug.

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }) };
};

describe('user errors', () => {
  it('every user-fixable error is a UserError with exit code 2; anything else exits 1', () => {
    const fixable = [new ConfigError(['X must be 1']), new UsageError('--x'), new UnknownStreamError(['nope'], ['conversations']), new DatabaseUnreachableError('down'), new SchemaTooNewError(['9999_x']), new EmbeddedPostgresError('closed')];
    for (const error of fixable) {
      expect(error).toBeInstanceOf(UserError);
      expect(exitCodeOf(error), error.name).toBe(EXIT_USAGE);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(exitCodeOf(new TypeError('bug'))).toBe(EXIT_INCOMPLETE);
  });
});

describe('failure log lines', () => {
  const refused = new PancakeError('Pancake refused the page token of page 1 set in PANCAKE_PAGE_TOKENS (HTTP 401): replace it', { kind: 'auth', status: 401, pageId: '1' });

  it('an expected failure carries its kind and never a stack, even at debug', () => {
    for (const level of ['info', 'debug']) {
      const log = createLogger({ level, destination: sink().stream });
      expect(failureLogFields(refused, log)).toEqual({ kind: 'auth' });
      expect(failureLogFields(new StreamUnavailableError('no call centre'), log)).toEqual({ kind: 'StreamUnavailableError' });
      expect(failureLogFields(new UserError('fix it'), log)).toEqual({ kind: 'UserError' });
    }
  });

  it('an unexpected error gets its stack only at debug', () => {
    const bug = new TypeError('cannot read x of undefined');
    expect(failureLogFields(bug, createLogger({ level: 'info', destination: sink().stream }))).toEqual({ kind: 'TypeError' });
    const out = sink();
    const log = createLogger({ level: 'debug', destination: out.stream });
    log.error(failureLogFields(bug, log), 'tags of page 1 failed');
    expect(out.lines.join('')).toContain('"stack"');
  });
});

describe('errors in warn lines (issue 23: lines during a database loss carried full stacks at the default level)', () => {
  it('carry the error type and message; the stack trace only at LOG_LEVEL=debug or trace', () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    for (const [level, stack] of [['info', false], ['warn', false], ['debug', true], ['trace', true]] as const) {
      const out = sink();
      createLogger({ level, destination: out.stream }).warn({ err: lost }, 'lost the database connection during tags of page 1; trying again in 1 s');
      const line = JSON.parse(out.lines.join('')) as { err: Record<string, unknown> };
      expect(line.err, level).toMatchObject({ type: 'Error', message: 'Connection terminated unexpectedly', code: '57P01' });
      expect('stack' in line.err, level).toBe(stack);
    }
  });
});

describe('a lock holder that cannot be named', () => {
  it('is described as such, never as "unknown pid 0"', async () => {
    const { describeHolder } = await import('../../src/warehouse/locks.js');
    const text = describeHolder({ host: 'vm', pid: null, since: new Date(0), runId: null });
    expect(text).not.toMatch(/pid 0|unknown/);
    expect(text).toMatch(/took and released it/);
  });
});
