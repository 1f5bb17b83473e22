// The page's users answer: its employees with their status and permissions, one disabled former
// employee, and who gets new threads in turn (round robin).

import type { PancakeUser } from '../../pancake/types.js';
import type { Employee, PageUsers } from './model.js';
import type { Random } from './random.js';
import { personName } from './text.js';

export function pageUsers(rng: Random, employees: readonly Employee[]): PageUsers {
  const users: PancakeUser[] = employees.map((e, i) => ({
    id: e.id,
    name: e.name,
    fb_id: e.fb_id,
    status: rng.pick(['available', 'available', 'busy', 'away']),
    status_in_page: 'active',
    is_online: rng.chance(0.4),
    // The first employee is the page admin; the others get a subset of the agent permissions.
    page_permissions: { permissions: i === 0 ? [100, 71, 60, 51, 40] : rng.sample([71, 60, 51, 40, 12], rng.int(1, 3)) },
  }));
  const former = personName(rng);
  const disabled: PancakeUser = { id: rng.uuid(), name: former.name, fb_id: rng.digits(15), status: 'offline', status_in_page: 'disabled', is_online: false, page_permissions: { permissions: [] } };
  const inbox = rng.sample(employees, rng.int(1, employees.length)).map((e) => e.id);
  const comment = rng.chance(0.5) ? rng.sample(employees, 1).map((e) => e.id) : [];
  return { users, disabled_users: [disabled], round_robin_users: { inbox, comment } };
}
