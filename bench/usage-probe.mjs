// Preloaded into a measured sync process (`node --import ./bench/usage-probe.mjs ...`): when it
// exits, writes its resource use from getrusage to BENCH_USAGE_FILE as JSON: peak resident set
// size (KiB) and the CPU time it spent in user and system mode (µs). With BENCH_PG_PORT and
// BENCH_API_PORT set, also the bytes this process wrote to and read from the sockets it opened to
// each of the two ports (every socket's `connect` is seen, whoever opens it: pg opens its own
// net.Socket, the HTTP agent goes through net.createConnection; its byte counters are read when it
// closes, or at exit if still open): what went over the wire, protocol framing and HTTP headers
// included.
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const ports = { pg: Number(process.env.BENCH_PG_PORT), api: Number(process.env.BENCH_API_PORT) };
const bytes = { pg: { written: 0, read: 0 }, api: { written: 0, read: 0 } };
const open = new Set();

function count(socket) {
  if (!open.delete(socket)) return;
  const side = socket.benchSide;
  if (!side) return;
  bytes[side].written += socket.bytesWritten;
  bytes[side].read += socket.bytesRead;
}

if (ports.pg || ports.api) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    if (!open.has(this)) {
      open.add(this);
      this.once('connect', () => {
        this.benchSide = this.remotePort === ports.pg ? 'pg' : this.remotePort === ports.api ? 'api' : undefined;
      });
      this.once('close', () => count(this));
    }
    return connect.apply(this, args);
  };
}

process.on('exit', () => {
  if (!process.env.BENCH_USAGE_FILE) return;
  for (const socket of [...open]) count(socket);
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime, bytes }));
});
