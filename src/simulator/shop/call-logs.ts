// The page's calls: between a customer's phone and an employee's SIP extension ("101".."109"), most
// of them with a phone the page's customers gave. The official shape has no direction field: who
// called whom is only in caller/callee.

import type { PancakeCallLog, PancakePageCustomer } from '../../pancake/types.js';
import type { SimulatorData } from './model.js';
import { Random } from './random.js';
import { phoneNumber } from './text.js';
import { formatField } from './time.js';

const DAY_MS = 86_400_000;

/** `count` calls of one page spread over the history, 7 in 10 with a known customer's phone. */
export function pageCallLogs(data: SimulatorData, pageId: string, customers: readonly PancakePageCustomer[], count: number): PancakeCallLog[] {
  const nowMs = data.now.getTime();
  const historyStart = nowMs - data.historyDays * DAY_MS;
  const phones = customers.flatMap((c) => (c.phone_numbers ?? []).filter((p): p is string => typeof p === 'string'));
  const rng = Random.of('call-logs', data.seed, pageId);
  const calls: PancakeCallLog[] = [];
  for (let i = 0; i < count; i++) {
    const phone = phones.length > 0 && rng.chance(0.7) ? rng.pick(phones) : phoneNumber(rng);
    calls.push(newCallLog(rng, phone, historyStart + Math.floor(rng.next() * (nowMs - historyStart))));
  }
  return calls;
}

export function newCallLog(rng: Random, customerPhone: string, startMs: number): PancakeCallLog {
  const callId = rng.uuid();
  const extension = `10${rng.int(1, 9)}`;
  const inbound = rng.chance(0.6);
  const status = inbound ? (rng.chance(0.75) ? 'completed' : 'missed') : rng.pick(['completed', 'completed', 'completed', 'no_answer', 'busy']);
  return {
    call_id: callId,
    caller: inbound ? customerPhone : extension,
    callee: inbound ? extension : customerPhone,
    start_time: formatField(callId, 'start_time', startMs),
    duration: status === 'completed' ? rng.int(8, 900) : 0,
    status,
  };
}
