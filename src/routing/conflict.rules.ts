/**
 * Who must never receive a case's key. Pure: the caller loads the few directory entries, staff
 * accounts and declared conflicts that the names in the report can reach, and this decides.
 *
 * Excluded are: the subjects (when they are staff, or in the directory and linked to a staff
 * account), their management chain up `chainDepth` levels, everyone the reporter named as "must
 * not see", and staff with a standing declared conflict with a subject. A name that matches more
 * than one person excludes every one of them: a wrong exclusion moves the report to someone else,
 * a missed one hands it to the person it is about.
 */
import { emailIn, nameKey, normalizeEmail } from './name-match.rules.js';

export interface NamedPerson {
  name: string;
  email?: string | null;
}

export interface DirectoryEntry {
  id: string;
  name: string;
  nameKey: string;
  email: string | null;
  department: string | null;
  managerId: string | null;
}

export interface StaffCandidate {
  id: string;
  name: string;
  email: string;
  employeeId: string | null;
}

export type ExclusionReason = 'subject' | 'management-chain' | 'must-not-see' | 'declared-conflict';

export interface ExclusionPlan {
  /** Staff ids that receive no key, with why. */
  excluded: Map<string, ExclusionReason[]>;
  /** Per subject, the directory entries their name or address matched (empty: outsider or unknown). */
  subjectMatches: DirectoryEntry[][];
  /** Per "must not see" name, the directory entries and staff accounts it matched. */
  mustNotSeeMatches: { employees: DirectoryEntry[]; staff: string[] }[];
  /** Employee ids of the subjects' management chains, nearest first. */
  chain: string[];
}

/** The name keys and addresses to look up in the directory for these people. */
export function lookupKeys(people: readonly NamedPerson[]): { nameKeys: string[]; emails: string[] } {
  const nameKeys = new Set<string>();
  const emails = new Set<string>();
  for (const person of people) {
    const key = nameKey(person.name);
    if (key) nameKeys.add(key);
    const email = person.email ? normalizeEmail(person.email) : emailIn(person.name);
    if (email) emails.add(email);
  }
  return { nameKeys: [...nameKeys], emails: [...emails] };
}

function personMatches<T>(person: NamedPerson, candidates: readonly T[], keyOf: (c: T) => string, emailOf: (c: T) => string | null): T[] {
  const key = nameKey(person.name);
  const email = person.email ? normalizeEmail(person.email) : emailIn(person.name);
  return candidates.filter((candidate) => (key !== '' && keyOf(candidate) === key) || (email !== null && emailOf(candidate) === email));
}

/** Directory entries matching a person by normalised name or e-mail (all of them: ambiguity is not resolved). */
export function matchDirectory(person: NamedPerson, entries: readonly DirectoryEntry[]): DirectoryEntry[] {
  return personMatches(person, entries, (entry) => entry.nameKey, (entry) => entry.email);
}

/**
 * Managers above the given employees, up to `depth` levels, nearest first. `managerOf` answers
 * for every id the caller loaded; a cycle in the directory data ends the walk.
 */
export function managementChain(employeeIds: readonly string[], depth: number, managerOf: ReadonlyMap<string, string | null>): string[] {
  const chain: string[] = [];
  const seen = new Set(employeeIds);
  let level = [...employeeIds];
  for (let step = 0; step < depth && level.length > 0; step++) {
    const next: string[] = [];
    for (const id of level) {
      const manager = managerOf.get(id);
      if (manager && !seen.has(manager)) {
        seen.add(manager);
        chain.push(manager);
        next.push(manager);
      }
    }
    level = next;
  }
  return chain;
}

/** The employee ids the subjects are: their directory matches, and the entries of staff accounts their names match. */
export function subjectEmployeeIds(subjects: readonly NamedPerson[], directory: readonly DirectoryEntry[], staff: readonly StaffCandidate[]): string[] {
  const ids = new Set<string>();
  for (const subject of subjects) {
    for (const entry of matchDirectory(subject, directory)) ids.add(entry.id);
    for (const member of personMatches(subject, staff, (m) => nameKey(m.name), (m) => normalizeEmail(m.email))) if (member.employeeId) ids.add(member.employeeId);
  }
  return [...ids];
}

export interface ExclusionInput {
  subjects: readonly NamedPerson[];
  mustNotSee: readonly NamedPerson[];
  /** Directory entries that matched any of the names or addresses (loaded by the caller). */
  directory: readonly DirectoryEntry[];
  chainDepth: number;
  /** Employee id -> manager id, for every employee the chain walk may reach (loaded by the caller). */
  managerOf: ReadonlyMap<string, string | null>;
  staff: readonly StaffCandidate[];
  /** Declared conflicts: staff id -> employee id. */
  conflicts: readonly { userId: string; employeeId: string }[];
}

export function planExclusions(input: ExclusionInput): ExclusionPlan {
  const excluded = new Map<string, ExclusionReason[]>();
  const exclude = (userId: string, reason: ExclusionReason) => {
    const reasons = excluded.get(userId) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    excluded.set(userId, reasons);
  };
  const staffByEmployee = new Map<string, StaffCandidate[]>();
  for (const member of input.staff) {
    if (!member.employeeId) continue;
    staffByEmployee.set(member.employeeId, [...(staffByEmployee.get(member.employeeId) ?? []), member]);
  }
  const staffKey = (member: StaffCandidate) => nameKey(member.name);

  const subjectMatches = input.subjects.map((subject) => matchDirectory(subject, input.directory));
  const subjectEmployees = new Set<string>();
  input.subjects.forEach((subject, index) => {
    for (const entry of subjectMatches[index]!) {
      subjectEmployees.add(entry.id);
      for (const member of staffByEmployee.get(entry.id) ?? []) exclude(member.id, 'subject');
    }
    for (const member of personMatches(subject, input.staff, staffKey, (m) => normalizeEmail(m.email))) {
      exclude(member.id, 'subject');
      if (member.employeeId) subjectEmployees.add(member.employeeId);
    }
  });
  const chain = managementChain([...subjectEmployees], input.chainDepth, input.managerOf);
  for (const employeeId of chain) for (const member of staffByEmployee.get(employeeId) ?? []) exclude(member.id, 'management-chain');
  for (const conflict of input.conflicts) if (subjectEmployees.has(conflict.employeeId)) exclude(conflict.userId, 'declared-conflict');

  const mustNotSeeMatches = input.mustNotSee.map((person) => {
    const employees = matchDirectory(person, input.directory);
    const staff = new Set(personMatches(person, input.staff, staffKey, (m) => normalizeEmail(m.email)).map((member) => member.id));
    for (const entry of employees) for (const member of staffByEmployee.get(entry.id) ?? []) staff.add(member.id);
    for (const id of staff) exclude(id, 'must-not-see');
    return { employees, staff: [...staff] };
  });
  return { excluded, subjectMatches, mustNotSeeMatches, chain };
}
