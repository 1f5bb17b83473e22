import { describe, expect, it } from 'vitest';
import { InvalidTaskPayloadError, pageIdOfQueue, pageJobKey, pageQueueName, parsePageTaskPayload, runIdOfJobKey } from '../../src/queue/queue.js';
import { pageDone } from '../../src/queue/status.js';
import { queuedPagesOf, runStatus } from '../../src/warehouse/runs.js';

const payload = { runId: '12', page: { id: '1234567890', name: 'Shop', timezone: 'UTC+7' }, streams: ['conversations', 'messages'], since: '2026-01-01T00:00:00.000Z', until: null };

describe('queue task identity', () => {
  it('names a page\'s queue and a task\'s key so that status can read page and run back', () => {
    expect(pageIdOfQueue(pageQueueName('1234567890'))).toBe('1234567890');
    expect(runIdOfJobKey(pageJobKey('42', '1234567890'))).toBe('42');
    expect(pageIdOfQueue('something else')).toBeNull();
    expect(runIdOfJobKey(null)).toBeNull();
  });

  it('accepts the payload enqueue writes and refuses anything else with a message that says what to do', () => {
    expect(parsePageTaskPayload(JSON.parse(JSON.stringify(payload)))).toEqual(payload);
    // `enqueue --sweep` reaches the worker; a task queued by an earlier version has no `sweep`.
    expect(parsePageTaskPayload({ ...payload, sweep: true })).toEqual({ ...payload, sweep: true });
    expect(parsePageTaskPayload({ ...payload, sweep: 'yes' })).toEqual(payload);
    for (const bad of [null, 'x', { ...payload, runId: 12 }, { ...payload, page: { id: '1' } }, { ...payload, streams: [] }, { ...payload, since: 'yesterday' }]) {
      expect(() => parsePageTaskPayload(bad)).toThrow(InvalidTaskPayloadError);
    }
    expect(() => parsePageTaskPayload({})).toThrow(/pancake-sync enqueue/);
  });
});

describe('queued run log', () => {
  const done = { records: 1, rowsWritten: 1, unitsDone: 1, status: 'done' };
  const failed = { ...done, status: 'failed' };

  it('a page is done only when every stream is done', () => {
    expect(pageDone({ conversations: done, messages: done })).toBe(true);
    expect(pageDone({ conversations: done, messages: failed })).toBe(false);
    expect(pageDone({})).toBe(false);
    expect(pageDone(undefined)).toBe(false);
  });

  it('a run ends succeeded, partial or failed, by the one rule an in-process run follows too', () => {
    expect(runStatus({ interrupted: false, failures: 0, streamStatuses: ['done'] })).toBe('succeeded');
    expect(runStatus({ interrupted: false, failures: 1, streamStatuses: ['done', 'failed'] })).toBe('partial');
    expect(runStatus({ interrupted: false, failures: 1, streamStatuses: ['failed'] })).toBe('failed');
    // Stopped by SIGTERM/SIGINT (an in-process run; a queued run's tasks are handed back instead).
    expect(runStatus({ interrupted: true, failures: 0, streamStatuses: ['done', 'interrupted'] })).toBe('interrupted');
  });

  it('reads the queued pages from the run\'s options, ignoring anything malformed', () => {
    expect(queuedPagesOf({ queuedPages: ['1', 2, '3'] })).toEqual(['1', '3']);
    expect(queuedPagesOf(null)).toEqual([]);
  });
});
