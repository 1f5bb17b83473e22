// `pancake-sync status | head -2`: once the reader has what it wants it closes the pipe, and the
// next write fails with EPIPE. That is the reader's choice, not an error: end quietly, with the
// exit code decided so far, instead of an unhandled 'error' event and a stack trace.

export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}
