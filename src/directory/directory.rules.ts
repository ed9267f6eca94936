/** What a directory sync changes. Pure: the caller supplies what is stored and what arrived. */
import { nameKey, normalizeEmail } from '../routing/name-match.rules.js';

export interface EmployeeInput {
  id: string;
  name: string;
  email: string | null;
  department: string | null;
  managerId: string | null;
  active: boolean;
}

export interface StoredEmployee extends EmployeeInput {}

export interface DirectoryPlan {
  added: EmployeeInput[];
  updated: EmployeeInput[];
  unchanged: number;
  /** Stored and active, absent from a full import: deactivated (kept, so that old links still resolve). */
  deactivated: string[];
}

export function normalizeEmployee(input: { id: string; name: string; email?: string | null; department?: string | null; managerId?: string | null; active?: boolean }): EmployeeInput {
  const blank = (value: string | null | undefined) => (value === undefined || value === null || value.trim() === '' ? null : value.trim());
  const email = blank(input.email);
  return {
    id: input.id.trim(),
    name: input.name.trim(),
    email: email === null ? null : normalizeEmail(email),
    department: blank(input.department),
    managerId: blank(input.managerId),
    active: input.active ?? true,
  };
}

const same = (a: EmployeeInput, b: EmployeeInput) =>
  a.name === b.name && a.email === b.email && a.department === b.department && a.managerId === b.managerId && a.active === b.active;

/**
 * `full`: the file is the whole directory, so anyone stored and active but missing is deactivated.
 * `partial`: an HR system's upsert of some employees; nobody else changes.
 */
export function planDirectorySync(stored: ReadonlyMap<string, StoredEmployee>, incoming: readonly EmployeeInput[], mode: 'full' | 'partial'): DirectoryPlan {
  const plan: DirectoryPlan = { added: [], updated: [], unchanged: 0, deactivated: [] };
  const seen = new Set<string>();
  for (const employee of incoming) {
    seen.add(employee.id);
    const before = stored.get(employee.id);
    if (!before) plan.added.push(employee);
    else if (same(before, employee)) plan.unchanged += 1;
    else plan.updated.push(employee);
  }
  if (mode === 'full') for (const [id, employee] of stored) if (employee.active && !seen.has(id)) plan.deactivated.push(id);
  return plan;
}

/** Problems with a batch before anything is stored: duplicate ids, missing names, self-management. */
export function checkEmployees(employees: readonly EmployeeInput[]): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const seen = new Set<string>();
  employees.forEach((employee, index) => {
    const where = `employees.${index}`;
    const add = (message: string) => (problems[where] ??= []).push(message);
    if (!employee.id) add('id is required');
    else if (employee.id.length > 100) add('id is too long (at most 100 characters)');
    if (!employee.name) add('name is required');
    else if (employee.name.length > 200) add('name is too long (at most 200 characters)');
    if (employee.email && !/^[^\s@]+@[^\s@]+$/.test(employee.email)) add('email is not an e-mail address');
    if (employee.managerId === employee.id && employee.id) add('an employee cannot be their own manager');
    if (seen.has(employee.id)) add(`id ${employee.id} appears twice`);
    seen.add(employee.id);
  });
  return problems;
}

export { nameKey };
