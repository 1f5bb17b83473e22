import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { sleep } from '../sleep.js';

// Locks and runs record which process holds or runs them (host, pid, and the process's start),
// so that another process can tell a holder that died from one that is busy. On the same host that
// is immediate: the pid is gone, is a zombie, or now belongs to a process that started at another
// time (a recycled pid); a holder that is being torn down (killed, exiting) is waited for a moment.
// Elsewhere only the holder's heartbeat can tell, after a lease.

/** The init PID namespace's inode on Linux: processes there see every host pid. */
const INIT_PID_NAMESPACE = 'pid:[4026531836]';

/** Linux task flag: the process has begun to exit (include/linux/sched.h). */
const PF_EXITING = 0x4;
/** SIGKILL's bit in the pending-signal masks of /proc/<pid>/status. */
const SIGKILL_BIT = 1n << 8n;

/** How long a holder that is exiting is waited for before it is taken for alive. */
export const EXITING_WAIT_MS = 5_000;
const EXITING_POLL_MS = 20;

let cachedHost: string | null = null;
let cachedStart: string | null | undefined;

/**
 * This process's host as recorded: the host name, plus the PID namespace when it is not the host's
 * own (containers sharing the host's name, e.g. host networking, do not share pids).
 */
export function processHost(): string {
  if (cachedHost === null) {
    let namespace: string | null = null;
    try {
      namespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      namespace = null; // not Linux: pids are the host's
    }
    cachedHost = namespace && namespace !== INIT_PID_NAMESPACE ? `${hostname()} ${namespace.replace(/^pid:\[(\d+)\]$/, 'pidns-$1')}` : hostname();
  }
  return cachedHost;
}

/**
 * When this process started, as recorded next to its pid: the boot's id and the start time in
 * clock ticks since boot (`/proc/<pid>/stat`), so that a pid recycled by another process, or reused
 * after a reboot, is not taken for the holder. Null where /proc does not tell (not Linux).
 */
export function processStart(): string | null {
  if (cachedStart === undefined) cachedStart = processStartOf(process.pid);
  return cachedStart;
}

/** What is known of a recorded process from this host. */
export type HolderState = 'alive' | 'exiting' | 'gone' | 'elsewhere';

interface ProcStat {
  state: string;
  flags: number;
  startTicks: string;
}

function readStat(pid: number): ProcStat | null | 'unknown' {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? null : 'unknown';
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, flags, startTicks] = [fields[0], fields[6], fields[19]];
  if (state === undefined || flags === undefined || startTicks === undefined) return 'unknown';
  return { state, flags: Number(flags), startTicks };
}

let bootId: string | null | undefined;
function currentBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** When process `pid` started, in the form processStart records; null when /proc does not tell. */
export function processStartOf(pid: number): string | null {
  const stat = readStat(pid);
  const boot = currentBootId();
  return stat !== null && stat !== 'unknown' && boot !== null ? `${boot}:${stat.startTicks}` : null;
}

function sigkillPending(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return [...status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gim)].some((m) => (BigInt(`0x${m[1]}`) & SIGKILL_BIT) !== 0n);
  } catch {
    return false;
  }
}

/**
 * The state of a recorded holder. `gone`: recorded on this host and its process is not there any
 * more (no such pid, a zombie, or a pid that another process took since); `exiting`: killed or
 * exiting, not gone yet; `elsewhere`: another host, only its heartbeat can tell.
 */
export function holderState(host: string | null, pid: number | null, start: string | null = null): HolderState {
  if (host !== processHost() || pid === null) return 'elsewhere';
  if (pid === process.pid) return start === null || start === processStart() ? 'alive' : 'gone';
  const stat = readStat(pid);
  if (stat === null) return 'gone';
  if (stat === 'unknown') return fallbackState(pid);
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return 'gone';
  if (start !== null) {
    const [boot, ticks] = [start.slice(0, start.lastIndexOf(':')), start.slice(start.lastIndexOf(':') + 1)];
    if (boot !== currentBootId() || ticks !== stat.startTicks) return 'gone';
  }
  if ((stat.flags & PF_EXITING) !== 0 || sigkillPending(pid)) return 'exiting';
  return 'alive';
}

/** Without /proc: only whether the pid exists. */
function fallbackState(pid: number): HolderState {
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
}

/** True only when the process is known to be gone (see holderState). */
export function isGoneHere(host: string | null, pid: number | null, start: string | null = null): boolean {
  return holderState(host, pid, start) === 'gone';
}

/**
 * Like isGoneHere, but a holder that is exiting (killed a moment ago) is waited for, up to
 * EXITING_WAIT_MS, instead of being taken for alive: a run started right after a SIGKILL then
 * takes over the dead run's locks instead of skipping its streams.
 */
export async function isGoneHereSoon(host: string | null, pid: number | null, start: string | null = null, waitMs = EXITING_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const state = holderState(host, pid, start);
    if (state !== 'exiting') return state === 'gone';
    if (Date.now() >= deadline) return false;
    await sleep(EXITING_POLL_MS);
  }
}
