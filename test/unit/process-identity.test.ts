import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { holderState, isGoneHereSoon, processHost, processStart, processStartOf } from '../../src/warehouse/process-identity.js';

// Issue 23: on the same host a holder is gone when its pid is gone, is a zombie, or belongs to
// another process now (its start differs from the one recorded); a holder that is exiting is
// waited for. (Zombies: test/integration/kill-restart.test.ts.)

describe('process identity', () => {
  it('this process is alive; the same pid with another start is a recycled pid, gone', () => {
    expect(processStart()).toMatch(/^[0-9a-f-]+:\d+$/);
    expect(holderState(processHost(), process.pid, processStart())).toBe('alive');
    expect(holderState(processHost(), process.pid, `${processStart()!.split(':')[0]}:1`)).toBe('gone');
  });

  it('another process: alive while it runs, gone once it exited, gone under a recorded start that is not its own', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const pid = child.pid!;
    const start = processStartOf(pid);
    expect(start).not.toBeNull();
    expect(holderState(processHost(), pid, start)).toBe('alive');
    expect(holderState(processHost(), pid, null)).toBe('alive'); // rows written before starts were recorded
    expect(holderState(processHost(), pid, `${start!.split(':')[0]}:${Number(start!.split(':')[1]) - 1}`)).toBe('gone');
    expect(holderState(processHost(), pid, `another-boot:${start!.split(':')[1]}`)).toBe('gone');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await isGoneHereSoon(processHost(), pid, start)).toBe(true);
  });

  it('another host is elsewhere: only its heartbeat can tell', () => {
    expect(holderState('some-other-host', process.pid, null)).toBe('elsewhere');
    expect(holderState(processHost(), null, null)).toBe('elsewhere');
  });
});
