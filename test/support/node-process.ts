// A Node script run in a child process with its output collected, for tests that run code the way a
// user would (an example from the docs, a built package). Only PATH and `env` reach it: nothing of
// the developer's shell (PANCAKE_*, DATABASE_URL) leaks in.

import { spawn } from 'node:child_process';

export interface NodeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNode(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
