import { sql } from 'kysely';
import type { Queryable } from '../kernel/database.js';
import { nameKey } from '../routing/name-match.rules.js';
import type { EmployeeInput, StoredEmployee } from './directory.rules.js';

const toStored = (row: { id: string; name: string; email: string | null; department: string | null; manager_id: string | null; active: number }): StoredEmployee => ({
  id: row.id,
  name: row.name,
  email: row.email,
  department: row.department,
  managerId: row.manager_id,
  active: row.active === 1,
});

export async function loadDirectory(db: Queryable): Promise<Map<string, StoredEmployee>> {
  const rows = await db.selectFrom('directory_employees').select(['id', 'name', 'email', 'department', 'manager_id', 'active']).execute();
  return new Map(rows.map((row) => [row.id, toStored(row)]));
}

export async function loadEmployees(db: Queryable, ids: readonly string[]): Promise<Map<string, StoredEmployee>> {
  const found = new Map<string, StoredEmployee>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('directory_employees').select(['id', 'name', 'email', 'department', 'manager_id', 'active']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) found.set(row.id, toStored(row));
  }
  return found;
}

const row = (employee: EmployeeInput, at: string) => ({
  id: employee.id,
  name: employee.name,
  name_key: nameKey(employee.name),
  email: employee.email,
  department: employee.department,
  manager_id: employee.managerId,
  active: employee.active ? 1 : 0,
  updated_at: at,
});

export async function insertEmployees(db: Queryable, employees: readonly EmployeeInput[], at: string): Promise<void> {
  for (let i = 0; i < employees.length; i += 200) {
    const batch = employees.slice(i, i + 200);
    if (batch.length > 0) await db.insertInto('directory_employees').values(batch.map((employee) => row(employee, at))).execute();
  }
}

export async function updateEmployee(db: Queryable, employee: EmployeeInput, at: string): Promise<void> {
  const { id, ...changes } = row(employee, at);
  await db.updateTable('directory_employees').set(changes).where('id', '=', id).execute();
}

export async function deactivateEmployees(db: Queryable, ids: readonly string[], at: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db.updateTable('directory_employees').set({ active: 0, updated_at: at }).where('id', 'in', ids.slice(i, i + 500)).execute();
  }
}

/** Links staff accounts without a directory entry to the entry with their e-mail address. */
export async function linkStaffByEmail(db: Queryable): Promise<number> {
  const candidates = await db
    .selectFrom('users')
    .innerJoin('directory_employees', 'directory_employees.email', 'users.email')
    .select(['users.id', 'directory_employees.id as employee_id'])
    .where('users.employee_id', 'is', null)
    .where('directory_employees.active', '=', 1)
    .execute();
  for (const candidate of candidates) {
    await db.updateTable('users').set({ employee_id: candidate.employee_id }).where('id', '=', candidate.id).where('employee_id', 'is', null).execute();
  }
  return candidates.length;
}

/** Active entries whose normalised name or e-mail is one of these (the routing lookup; both indexed). */
export function findEmployeesByNameOrEmail(db: Queryable, nameKeys: readonly string[], emails: readonly string[]) {
  if (nameKeys.length === 0 && emails.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('directory_employees')
    .select(['id', 'name', 'name_key', 'email', 'department', 'manager_id'])
    .where('active', '=', 1)
    .where((eb) => {
      const ors = [];
      if (nameKeys.length > 0) ors.push(eb('name_key', 'in', [...nameKeys]));
      if (emails.length > 0) ors.push(eb('email', 'in', [...emails]));
      return eb.or(ors);
    })
    .execute();
}

/**
 * The management chain above these employees, `depth` levels up, in one recursive query (portable
 * SQL: SQLite and PostgreSQL both have WITH RECURSIVE); each step is a primary-key lookup. The
 * depth bound also ends a cycle in bad directory data.
 */
export async function findChainRows(db: Queryable, ids: readonly string[], depth: number): Promise<{ id: string; manager_id: string | null }[]> {
  if (ids.length === 0) return [];
  const result = await sql<{ id: string; manager_id: string | null }>`
    WITH RECURSIVE chain(id, manager_id, depth) AS (
      SELECT id, manager_id, 0 FROM directory_employees WHERE id IN (${sql.join([...ids])})
      UNION ALL
      SELECT d.id, d.manager_id, c.depth + 1 FROM directory_employees d JOIN chain c ON d.id = c.manager_id WHERE c.depth < ${depth}
    )
    SELECT id, manager_id FROM chain`.execute(db);
  return result.rows;
}

/** Manager ids of these employees (one level of the chain walk). */
export function findManagers(db: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('directory_employees').select(['id', 'manager_id']).where('id', 'in', [...ids]).execute();
}

export function findEmployee(db: Queryable, id: string) {
  return db.selectFrom('directory_employees').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of the directory for admins and handlers picking a person: by name or e-mail prefix. */
export function searchDirectory(db: Queryable, text: string, limit: number) {
  const needle = text.trim().toLowerCase();
  let query = db.selectFrom('directory_employees').select(['id', 'name', 'email', 'department', 'manager_id', 'active']).orderBy('name').limit(limit);
  if (needle) query = query.where((eb) => eb.or([eb('name_key', 'like', `%${needle.replace(/[%_]/g, '')}%`), eb('email', 'like', `${needle.replace(/[%_]/g, '')}%`), eb('id', '=', text.trim())]));
  return query.execute();
}

export async function setUserEmployee(db: Queryable, userId: string, employeeId: string | null): Promise<void> {
  await db.updateTable('users').set({ employee_id: employeeId }).where('id', '=', userId).execute();
}
