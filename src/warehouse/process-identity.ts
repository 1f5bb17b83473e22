import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

// Locks and runs record which process holds or runs them (host, pid), so that another process can
// tell a holder that died from one that is busy. On the same host that is immediate (is the pid
// still there?); elsewhere only the holder's heartbeat can tell, after a lease.

/** The init PID namespace's inode on Linux: processes there see every host pid. */
const INIT_PID_NAMESPACE = 'pid:[4026531836]';

let cached: string | null = null;

/**
 * This process's host as recorded: the host name, plus the PID namespace when it is not the host's
 * own (containers sharing the host's name, e.g. host networking, do not share pids).
 */
export function processHost(): string {
  if (cached === null) {
    let namespace: string | null = null;
    try {
      namespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      namespace = null; // not Linux: pids are the host's
    }
    cached = namespace && namespace !== INIT_PID_NAMESPACE ? `${hostname()} ${namespace.replace(/^pid:\[(\d+)\]$/, 'pidns-$1')}` : hostname();
  }
  return cached;
}

/** True only when the process is known to be gone: recorded on this host, and its pid is not running. */
export function isGoneHere(host: string | null, pid: number | null): boolean {
  if (host !== processHost() || pid === null) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
