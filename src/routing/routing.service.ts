/**
 * Conflict-of-interest routing at intake: loads what the names in a report can reach (directory
 * entries by normalised name or e-mail, the management chain above the subjects, staff accounts,
 * declared conflicts) with indexed lookups, and asks the pure rules who is excluded. Nothing here
 * writes; intake wraps the case key only to whoever is left.
 */
import type { Queryable } from '../kernel/database.js';
import { findChainRows, findEmployeesByNameOrEmail } from '../directory/directory.repository.js';
import { lookupKeys, planExclusions, subjectEmployeeIds, type DirectoryEntry, type ExclusionPlan, type NamedPerson, type StaffCandidate } from './conflict.rules.js';

/** Every staff account that is not disabled, with its directory entry (set by an admin, or found by e-mail). */
export async function listStaffCandidates(db: Queryable): Promise<StaffCandidate[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('directory_employees', (join) => join.onRef('directory_employees.email', '=', 'users.email').on('directory_employees.active', '=', 1))
    .select(['users.id', 'users.name', 'users.email', 'users.employee_id', 'directory_employees.id as email_employee_id'])
    .where('users.disabled_at', 'is', null)
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, email: row.email, employeeId: row.employee_id ?? row.email_employee_id ?? null }));
}

export interface RoutingFacts {
  plan: ExclusionPlan;
  /** The department of the report's subjects, when the directory knows them and they share one (for the statistics). */
  subjectDepartment: string | null;
  directory: DirectoryEntry[];
  staff: StaffCandidate[];
}

/** Who a report's subjects and "must not see" names exclude, with `chainDepth` levels of management. */
export async function planReportExclusions(db: Queryable, people: { subjects: readonly NamedPerson[]; mustNotSee: readonly NamedPerson[] }, chainDepth: number): Promise<RoutingFacts> {
  if (people.subjects.length === 0 && people.mustNotSee.length === 0) {
    // A report that names nobody excludes nobody: nothing to look up (most anonymous reports).
    const plan = planExclusions({ subjects: [], mustNotSee: [], directory: [], chainDepth, managerOf: new Map(), staff: [], conflicts: [] });
    return { plan, directory: [], staff: [], subjectDepartment: null };
  }
  const { nameKeys, emails } = lookupKeys([...people.subjects, ...people.mustNotSee]);
  const [rows, staff] = await Promise.all([findEmployeesByNameOrEmail(db, nameKeys, emails), listStaffCandidates(db)]);
  const directory: DirectoryEntry[] = rows.map((row) => ({ id: row.id, name: row.name, nameKey: row.name_key, email: row.email, department: row.department, managerId: row.manager_id }));
  const managerOf = new Map<string, string | null>(directory.map((entry) => [entry.id, entry.managerId]));
  const starts = subjectEmployeeIds(people.subjects, directory, staff);
  // The chain in one recursive query, and the declared conflicts with the subjects, side by side.
  const [chainRows, conflicts] = await Promise.all([
    findChainRows(db, starts, chainDepth),
    starts.length === 0
      ? Promise.resolve([])
      : db.selectFrom('staff_conflicts').select(['user_id as userId', 'employee_id as employeeId']).where('employee_id', 'in', starts).execute(),
  ]);
  for (const row of chainRows) managerOf.set(row.id, row.manager_id);
  const plan = planExclusions({ subjects: people.subjects, mustNotSee: people.mustNotSee, directory, chainDepth, managerOf, staff, conflicts });
  const departments = new Set(starts.map((id) => directory.find((entry) => entry.id === id)?.department ?? null));
  const [department] = departments;
  return { plan, directory, staff, subjectDepartment: departments.size === 1 ? (department ?? null) : null };
}
