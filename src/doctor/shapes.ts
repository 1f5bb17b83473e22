import { isRecord } from '../pancake/http.js';

// What the client and the streams' mappings read from each answer, as paths and types. `doctor`
// holds a real answer against them and names the first field that differs: a shop whose answers
// moved away from what the code reads is found before its first night, not in a broken table.
//
// A path is dot-separated; `[]` walks every element of a list; a type ending in `?` may also be
// missing or null. A type ending in `~` is one the official description marks optional although
// most answers carry it: missing, it is a warning (the sync stores the record without it), never a
// reason to reject the answer. `id` is a string or a number (Pancake sends both, see
// docs/pancake-api.md).

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'id';
export type Shape = Readonly<Record<string, FieldType | `${FieldType}?` | `${FieldType}~`>>;

export const SHAPES = {
  tags: { tags: 'array', 'tags[].id': 'id?', 'tags[].text': 'string?' },
  users: { users: 'array', 'users[].id': 'string', 'users[].name': 'string?' },
  conversations: {
    conversations: 'array',
    'conversations[].id': 'string',
    'conversations[].inserted_at': 'string',
    // The official WhatsApp example has none of these four.
    'conversations[].updated_at': 'string~',
    'conversations[].message_count': 'number~',
    'conversations[].seen': 'boolean~',
    'conversations[].snippet': 'string~',
    'conversations[].type': 'string?',
    'conversations[].tags': 'array?',
    'conversations[].tag_histories': 'array?',
    'conversations[].assignee_histories': 'array?',
  },
  messages: { messages: 'array', 'messages[].id': 'string', 'messages[].inserted_at': 'string', 'messages[].from': 'object?', 'messages[].original_message': 'string?' },
  page_customers: { customers: 'array', total: 'number?', 'customers[].id': 'string', 'customers[].updated_at': 'string?', 'customers[].inserted_at': 'string?' },
  posts: { posts: 'array', total: 'number?', 'posts[].id': 'string', 'posts[].inserted_at': 'string?', 'posts[].comment_count': 'number?' },
  call_logs: { data: 'array', 'data[].call_id': 'id', 'data[].start_time': 'string?', 'data[].duration': 'number?' },
  customer_engagements: { data: 'object', 'data.categories': 'array', 'data.series': 'array', 'data.series[].name': 'string', 'data.series[].data': 'array' },
  users_engagements: { users_engagements: 'array~', 'users_engagements[].user_id': 'id?' },
  page_statistics: { data: 'array', 'data[].hour': 'string?' },
  tag_statistics: { data: 'object', 'data.categories': 'array', 'data.series': 'object' },
  user_statistics: { data: 'object', 'data.statistics': 'object' },
  new_customers: {},
  ads: {},
  pages_campaigns: {},
  customer_feedbacks: { customer_feedback: 'array?', feedback_rating_counts: 'object?' },
} as const satisfies Record<string, Shape>;

/** The first field of `body` that differs from `shape`, said for a person; null when all match. */
export function findMismatch(body: unknown, shape: Shape): string | null {
  for (const [path, expected] of Object.entries(shape)) {
    const optional = expected.endsWith('?') || expected.endsWith('~');
    const type = expected.replace(/[?~]$/, '') as FieldType;
    for (const { where, value } of valuesAt(body, path)) {
      if (value === undefined || value === null) {
        if (optional) continue;
        return `${where} is ${value === null ? 'null' : 'missing'}; the client reads ${article(type)}`;
      }
      if (!matches(value, type)) return `${where} is ${describe(value)}; the client reads ${article(type)}`;
    }
  }
  return null;
}

/** The first field the official description marks optional (`~`) that `body` leaves out, said for a person; null when none. */
export function findWarning(body: unknown, shape: Shape): string | null {
  for (const [path, expected] of Object.entries(shape)) {
    if (!expected.endsWith('~')) continue;
    const missing = valuesAt(body, path).find(({ value }) => value === undefined);
    if (missing) return `${missing.where} is missing: optional in Pancake's description, the record is stored without it`;
  }
  return null;
}

/** Every value at `path`, with the concrete place it was found (list indexes filled in). */
function valuesAt(body: unknown, path: string): Array<{ where: string; value: unknown }> {
  let found: Array<{ where: string; value: unknown }> = [{ where: '', value: body }];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const next: Array<{ where: string; value: unknown }> = [];
    for (const { where, value } of found) {
      if (!isRecord(value)) continue; // a parent of the wrong type is reported at its own path
      const place = where ? `${where}.${key}` : key;
      const child = value[key];
      if (!list) next.push({ where: place, value: child });
      else if (Array.isArray(child)) child.forEach((item, i) => next.push({ where: `${place}[${i}]`, value: item }));
    }
    found = next;
  }
  return found;
}

function matches(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    case 'id':
      return typeof value === 'string' || typeof value === 'number';
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'an object';
  return `${article(typeof value as FieldType)} (${JSON.stringify(value).slice(0, 40)})`;
}

function article(type: FieldType): string {
  return { string: 'a string', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', id: 'an id (string or number)' }[type] ?? type;
}
