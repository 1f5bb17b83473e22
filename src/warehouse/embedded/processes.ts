import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { sleep } from '../../sleep.js';

// Process control of the embedded server: spawning initdb and postgres (every spawn has an 'error'
// listener, so a binary that cannot be executed is an error message, never an unhandled event),
// waiting for readiness, stopping, and the liveness checks of pids found on disk.

/** Who the server runs as: null for the current user, or the system user `postgres` under root. */
export type RunAs = { uid: number; gid: number } | null;

const STOP_TIMEOUT_MS = 30_000;
// Messages in English whatever the host's locale: readiness is detected by its text.
const CHILD_ENV = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

/** Runs a program to its end; resolves with its output, rejects with the output's last lines. */
export function runToEnd(file: string, args: string[], runAs: RunAs, onOutput: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(file, args, { ...(runAs ?? {}), env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      onOutput(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${lastLines(output) || `exit code ${code ?? signal}`}`));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `postgres` and resolves once it accepts connections. Rejects (after killing it) when it
 * cannot be spawned, exits first, or is not ready within `timeoutMs`.
 */
export function spawnServer(file: string, args: string[], runAs: RunAs, timeoutMs: number, onOutput: (text: string) => void): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(file, args, { ...(runAs ?? {}), env: CHILD_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === null) {
        track(child);
        resolve({ child, stop: () => stopChild(child) });
      } else {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
        reject(error);
      }
    };
    const timer = setTimeout(() => settle(new Error(`not ready after ${timeoutMs / 1000} s${output ? `: ${lastLines(output)}` : ''}`)), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      onOutput(text);
      if (output.includes('database system is ready to accept connections')) settle(null);
    });
    child.once('error', (err) => settle(err));
    child.once('exit', (code, signal) => settle(new Error(lastLines(output) || `postgres exited (${code ?? signal}) without a message`)));
  });
}

/** The lines that say what went wrong, without the log prefix postgres puts in front. */
function lastLines(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim()).filter(Boolean);
  const errors = lines.filter((l) => /FATAL|PANIC|ERROR|could not|cannot|denied|invalid/i.test(l));
  return (errors.length ? errors.slice(-3) : lines.slice(-3)).join(' | ');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints, removes postmaster.pid
  const t = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(t);
}

/** Servers this process started and has not stopped yet. */
const liveServers = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While this process owns a server: on exit it asks the server to shut down (postgres finishes
 * alone), and a signal nobody else handles stops the server before the process dies of it, as it
 * would have without a handler. A command that handles the signal itself closes the warehouse.
 */
function track(child: ChildProcess): void {
  if (liveServers.size === 0) {
    process.on('exit', killOnExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  liveServers.add(child);
  child.once('exit', () => {
    liveServers.delete(child);
    if (liveServers.size === 0) {
      process.off('exit', killOnExit);
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
  });
}

function killOnExit(): void {
  for (const child of liveServers) child.kill('SIGINT');
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // the command handles it
  void Promise.all([...liveServers].map(stopChild)).finally(() => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  });
}

/** Stops a server this process did not spawn (an adopted orphan). */
export async function stopPid(pid: number, pidFile: string, exists: (file: string) => boolean): Promise<void> {
  const gone = () => !isAlive(pid) || !exists(pidFile); // an unreaped zombie still "exists"
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (!gone()) {
    if (Date.now() > deadline) signal('SIGQUIT');
    await sleep(50);
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a reboot or container restart the pid in postmaster.pid may belong to another program. */
export function looksLikePostgres(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return true; // no /proc: trust the pid
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
