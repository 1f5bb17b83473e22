// Records the real API may send and a careless sync would choke on: unknown fields, missing
// optional fields, nulls where objects were, very long texts, broken UTF-16, NUL characters and
// timestamps in every format seen. Applied on top of a generated data set, for tests that prove a
// run stores such records instead of crashing.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from './model.js';

const HUGE = 'Dạ shop ơi 😊 '.repeat(80_000); // ≈ 1 MB of Vietnamese text with emoji

/** Makes a share of the conversations and their messages hostile; returns the ids it touched. */
export function makeHostile(data: SimulatorData, every = 5): { conversations: string[]; messages: string[] } {
  const touched = { conversations: [] as string[], messages: [] as string[] };
  let n = 0;
  for (const list of data.conversations.values()) {
    for (const conversation of list) {
      if (n++ % every !== 0) continue;
      hostileConversation(conversation, n);
      touched.conversations.push(conversation.id);
      const messages = data.messages.get(conversation.id) ?? [];
      messages.forEach((message, i) => {
        if (i % 2 === 0) {
          hostileMessage(message, i + n);
          touched.messages.push(message.id);
        }
      });
    }
  }
  data.revision++;
  return touched;
}

function hostileConversation(c: PancakeConversation, n: number): void {
  const record = c as Record<string, unknown>;
  record.brand_new_field = { nested: [1, 'hai', null], since: '2031-01-01' };
  record.tags = [null, ...(c.tags ?? []), null];
  switch (n % 4) {
    case 0:
      delete record.customers;
      delete record.page_customer;
      delete record.snippet;
      break;
    case 1:
      record.customer_id = null;
      record.from = null;
      record.last_sent_by = null;
      record.message_count = '12'; // a number as a string
      break;
    case 2:
      record.snippet = `lone surrogate \ud800 and NUL \u0000 inside`;
      record.seen = 'yes'; // not a boolean
      break;
    default:
      record.post_id = 12345; // a number where ids are strings
  }
}

function hostileMessage(m: PancakeMessage, n: number): void {
  const record = m as Record<string, unknown>;
  record.unknown_flag = true;
  switch (n % 5) {
    case 0:
      record.original_message = HUGE;
      record.message = `<div>${HUGE}</div>`;
      break;
    case 1:
      record.original_message = 'emoji cut in half: \ud83d end';
      break;
    case 2:
      record.original_message = null;
      record.message = null;
      record.attachments = null;
      break;
    case 3:
      delete record.from;
      delete record.is_hidden;
      break;
    default:
      record.original_message = 'NUL \u0000 in text';
  }
}
