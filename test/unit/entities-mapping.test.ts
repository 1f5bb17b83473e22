import { describe, expect, it } from 'vitest';
import type { PancakeCallLog, PancakePageCustomer } from '../../src/pancake/types.js';
import type { PancakeConversation } from '../../src/pancake/types.js';
import { callDirection, mapCallLog } from '../../src/sync/streams/call-logs.js';
import { mapConversationAssignees, mapConversationTags } from '../../src/sync/streams/conversation-bridges.js';
import { calendarDate, mapCustomer, birthYear } from '../../src/sync/streams/customers.js';
import { mapPageUsers } from '../../src/sync/streams/page-users.js';
import { mapPost } from '../../src/sync/streams/posts.js';
import { mapTag } from '../../src/sync/streams/tags.js';

const PAGE = '1234567890123456';

describe('customer mapping', () => {
  const customer: PancakePageCustomer = {
    id: 'pc-1',
    customer_id: 'c-1',
    psid: '9876',
    thread_id: `${PAGE}_9876`,
    name: 'Nguyễn Thị Lan',
    phone_numbers: ['0912345678', { phone_number: '0388777666' }, '0912345678', '  '],
    gender: 'female',
    birthday: '12/03/1995',
    lives_in: 'Hà Nội',
    can_inbox: true,
    notes: [{ id: 'n', message: 'Khách quen', created_at: 1_727_745_600_000 }],
    recent_orders: null,
    inserted_at: '2026-03-31T14:00:18.127647',
    updated_at: '2026-04-03T12:22:36',
    unknown_field: { kept: true },
  };

  it('types what analysts filter on and keeps the record whole in raw', () => {
    const row = mapCustomer(customer, PAGE);
    expect(row).toMatchObject({
      page_id: PAGE,
      id: 'pc-1',
      customer_id: 'c-1',
      name: 'Nguyễn Thị Lan',
      gender: 'female',
      phone_number: '0912345678',
      phone_numbers: '0912345678,0388777666',
      birthday: '1995-03-12',
      note_count: 1,
      can_inbox: true,
    });
    expect(row.inserted_at?.toISOString()).toBe('2026-03-31T14:00:18.127Z');
    expect(row.updated_at?.toISOString()).toBe('2026-04-03T12:22:36.000Z');
    expect(row.raw).toBe(customer);
  });

  it('turns odd values into nulls rather than failing', () => {
    const row = mapCustomer({ id: 'x', inserted_at: 'yesterday', updated_at: '', phone_numbers: null, notes: null, birthday: '31/02/1990', gender: 7 as never } as PancakePageCustomer, PAGE);
    expect(row).toMatchObject({ phone_number: null, phone_numbers: null, note_count: null, birthday: null, inserted_at: null, updated_at: null, gender: '7' });
  });

  it('reads ISO and Vietnamese birthdays and refuses impossible dates', () => {
    expect(calendarDate('1998-05-12')).toBe('1998-05-12');
    expect(calendarDate('1998-05-12T00:00:00')).toBe('1998-05-12');
    expect(calendarDate('5/1/2001')).toBe('2001-01-05');
    expect(calendarDate('2001-02-29')).toBeNull();
    expect(calendarDate('sinh nhật')).toBeNull();
    expect(calendarDate(null)).toBeNull();
  });
});

describe('call log mapping', () => {
  const log = (fields: Partial<PancakeCallLog>): PancakeCallLog => ({ call_id: 'k', start_time: '2026-04-01T02:00:00', ...fields });

  it('infers the direction from which side is a SIP extension, or takes the one the API states', () => {
    expect(callDirection(log({ caller: '0912345678', callee: '101' }))).toBe('inbound');
    expect(callDirection(log({ caller: '1001', callee: '0912345678' }))).toBe('outbound');
    expect(callDirection(log({ caller: '0912345678', callee: '0388777666' }))).toBeNull();
    expect(callDirection(log({ caller: '101', callee: '0912345678', direction: 'INCOMING' }))).toBe('inbound');
    expect(callDirection(log({ caller: null, callee: undefined }))).toBeNull();
  });

  it('keeps the customer side, the duration in seconds and the call-center id it was read with', () => {
    const row = mapCallLog(log({ caller: '0912345678', callee: '101', duration: 73, status: 'completed' }), PAGE, 'sip-1');
    expect(row).toMatchObject({ page_id: PAGE, call_id: 'k', call_center_id: 'sip-1', direction: 'inbound', customer_phone: '0912345678', duration_seconds: 73, status: 'completed' });
    expect(row.start_time?.toISOString()).toBe('2026-04-01T02:00:00.000Z');
  });
});

describe('post, tag and user mapping', () => {
  it('types every reaction count and sums them', () => {
    const row = mapPost({ id: 'p', inserted_at: '2026-04-01T00:00:00', reactions: { like_count: 111, love_count: 14, haha_count: 0, care_count: '3' as never }, comment_count: 4, from: { id: PAGE, name: 'Shop' } }, PAGE);
    expect(row).toMatchObject({ like_count: 111, love_count: 14, haha_count: 0, care_count: 3, wow_count: null, reaction_count: 128, comment_count: 4, from_id: PAGE });
    expect(mapPost({ id: 'q', inserted_at: '2026-04-01T00:00:00' }, PAGE).reaction_count).toBeNull();
  });

  it('stores tag ids as text', () => {
    expect(mapTag({ id: 61, text: 'Chốt đơn', color: '#e71115' }, PAGE)).toMatchObject({ id: '61', text: 'Chốt đơn', color: '#e71115', deleted_at: null });
  });

  it('flags disabled and round-robin users; a user listed twice counts as disabled', () => {
    const rows = mapPageUsers(
      {
        users: [{ id: 'a', name: 'An' }, { id: 'b', name: 'Bình' }],
        disabled_users: [{ id: 'b', name: 'Bình' }, { id: 'c', name: 'Cúc' }],
        round_robin_users: { inbox: ['a'], comment: ['a', 'c'] },
      },
      PAGE,
    );
    expect(rows.map((r) => [r.id, r.is_disabled, r.round_robin_inbox, r.round_robin_comment])).toEqual([
      ['a', false, true, true],
      ['b', true, false, false],
      ['c', true, false, true],
    ]);
  });
});

describe('conversation bridges', () => {
  const conversation = {
    id: `${PAGE}_1`,
    page_id: PAGE,
    inserted_at: '2026-04-01T00:00:00',
    updated_at: '2026-04-01T00:00:00',
    tags: [null, { id: 61, text: 'Chốt đơn', color: '#e71115' }, { id: 6, text: 'Khách quen', color: '#ee11e2' }, { id: 61, text: 'Chốt đơn (mới)', color: '#e71115' }],
    assignee_ids: ['u1', 'u2'],
    current_assign_users: [{ id: 'u1', name: 'Lan' }],
  } as PancakeConversation;

  it('drops null tags and keeps one row per tag', () => {
    expect(mapConversationTags(conversation, PAGE).map((r) => [r.tag_id, r.tag_text])).toEqual([
      ['61', 'Chốt đơn (mới)'],
      ['6', 'Khách quen'],
    ]);
    expect(mapConversationTags({ ...conversation, tags: undefined }, PAGE)).toEqual([]);
  });

  it('names assignees from current_assign_users when it carries them', () => {
    expect(mapConversationAssignees(conversation, PAGE)).toEqual([
      { page_id: PAGE, conversation_id: conversation.id, user_id: 'u1', user_name: 'Lan', raw: { id: 'u1', name: 'Lan' } },
      { page_id: PAGE, conversation_id: conversation.id, user_id: 'u2', user_name: null, raw: { id: 'u2' } },
    ]);
  });
});

describe('birth years', () => {
  it('come from full dates, year-only "2007-00-00", and the object form of conversations', () => {
    expect(birthYear('1995-04-12')).toBe(1995);
    expect(birthYear('2007-00-00')).toBe(2007);
    expect(birthYear('12/04/1995')).toBe(1995);
    expect(birthYear({ date: 0, month: 0, year: 2005 })).toBe(2005);
    expect(birthYear({ date: 0, month: 0, year: 0 })).toBeNull();
    expect(birthYear('0000-00-00')).toBeNull();
    expect(birthYear(null)).toBeNull();
  });
});
