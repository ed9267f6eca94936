import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkEmployees, normalizeEmployee, planDirectorySync } from '../../src/directory/directory.rules.js';
import { parseCsvRecords, parseCsvRows } from '../../src/kernel/csv.js';
import { managementChain, planExclusions, type DirectoryEntry, type StaffCandidate } from '../../src/routing/conflict.rules.js';
import { emailIn, nameKey } from '../../src/routing/name-match.rules.js';

const entry = (id: string, name: string, managerId: string | null, email: string | null = null): DirectoryEntry => ({ id, name, nameKey: nameKey(name), email, department: null, managerId });
const member = (id: string, name: string, email: string, employeeId: string | null = null): StaffCandidate => ({ id, name, email, employeeId });

describe('name matching', () => {
  it('ignores case, accents, punctuation, titles and word order', () => {
    expect(nameKey('Dr. José  Smith-Jones')).toBe(nameKey('smith jones, jose'));
    expect(nameKey('Müller, Anna')).toBe(nameKey('anna muller'));
    expect(nameKey('Anna Müller')).not.toBe(nameKey('Anna Miller'));
  });
  it('finds an address in free text', () => {
    expect(emailIn('call or mail Bob.Smith@Corp.example please')).toBe('bob.smith@corp.example');
    expect(emailIn('0170 1234')).toBeNull();
  });
});

describe('exclusions', () => {
  const directory = [entry('E1', 'Mark Manager', 'E2', 'mark@corp'), entry('E2', 'Mona Boss', 'E3'), entry('E3', 'Chief', null), entry('E4', 'John Smith', 'E3'), entry('E5', 'Smith John', 'E3')];
  const managerOf = new Map(directory.map((e) => [e.id, e.managerId]));
  const staff = [member('u-mark', 'Mark Manager', 'mark@corp', 'E1'), member('u-mona', 'Mona B.', 'mona@corp', 'E2'), member('u-ceo', 'The Chief', 'ceo@corp', 'E3'), member('u-j1', 'J. Smith', 'j1@corp', 'E4'), member('u-j2', 'J Smith', 'j2@corp', 'E5'), member('u-hana', 'Hana Ito', 'hana@corp', null)];

  it('excludes the subject, the chain to the configured depth, must-not-see and declared conflicts', () => {
    const plan = planExclusions({ subjects: [{ name: 'mark manager' }], mustNotSee: [{ name: 'Hana', email: 'hana@corp' }], directory, chainDepth: 1, managerOf, staff, conflicts: [{ userId: 'u-j1', employeeId: 'E1' }] });
    expect(Object.fromEntries(plan.excluded)).toEqual({ 'u-mark': ['subject'], 'u-mona': ['management-chain'], 'u-hana': ['must-not-see'], 'u-j1': ['declared-conflict'] });
    const deeper = planExclusions({ subjects: [{ name: 'Mark Manager' }], mustNotSee: [], directory, chainDepth: 2, managerOf, staff, conflicts: [] });
    expect(deeper.excluded.has('u-ceo')).toBe(true);
    const none = planExclusions({ subjects: [{ name: 'Mark Manager' }], mustNotSee: [], directory, chainDepth: 0, managerOf, staff, conflicts: [] });
    expect([...none.excluded.keys()]).toEqual(['u-mark']);
  });

  it('excludes every match of an ambiguous name (fail safe)', () => {
    const plan = planExclusions({ subjects: [], mustNotSee: [{ name: 'John Smith' }], directory, chainDepth: 2, managerOf, staff, conflicts: [] });
    expect([...plan.excluded.keys()].sort()).toEqual(['u-j1', 'u-j2']);
    expect(plan.mustNotSeeMatches[0]!.employees.map((e) => e.id)).toEqual(['E4', 'E5']);
  });

  it('matches an outsider to nobody', () => {
    const plan = planExclusions({ subjects: [{ name: 'Carl Client' }], mustNotSee: [], directory, chainDepth: 2, managerOf, staff, conflicts: [] });
    expect(plan.excluded.size).toBe(0);
    expect(plan.subjectMatches).toEqual([[]]);
  });

  it('walks a chain to its depth and stops on a cycle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 2, max: 12 }), (depth, size) => {
        const cycle = new Map(Array.from({ length: size }, (_, i) => [`E${i}`, `E${(i + 1) % size}`] as const));
        const chain = managementChain(['E0'], depth, cycle);
        expect(chain.length).toBe(Math.min(depth, size - 1));
        expect(new Set(chain).size).toBe(chain.length);
        expect(chain).not.toContain('E0');
      }),
    );
  });
});

describe('CSV and directory sync', () => {
  it('reads quotes, commas and line breaks inside quotes, CRLF and a byte-order mark', () => {
    expect(parseCsvRows('\ufeffid,name\r\n1,"Smith, ""J"" \nJr"\r\n2,Ann\n')).toEqual([['id', 'name'], ['1', 'Smith, "J" \nJr'], ['2', 'Ann']]);
    expect(() => parseCsvRecords('id,name\n1\n')).toThrow(/line 2/);
    expect(() => parseCsvRows('a,"b')).toThrow(/not closed/);
  });
  it('plans added, updated, unchanged and deactivated', () => {
    const stored = new Map([['E1', normalizeEmployee({ id: 'E1', name: 'A' })], ['E2', normalizeEmployee({ id: 'E2', name: 'B' })], ['E3', normalizeEmployee({ id: 'E3', name: 'C' })]]);
    const incoming = [normalizeEmployee({ id: 'E1', name: 'A' }), normalizeEmployee({ id: 'E2', name: 'B2' }), normalizeEmployee({ id: 'E4', name: 'D' })];
    const full = planDirectorySync(stored, incoming, 'full');
    expect([full.added.map((e) => e.id), full.updated.map((e) => e.id), full.unchanged, full.deactivated]).toEqual([['E4'], ['E2'], 1, ['E3']]);
    expect(planDirectorySync(stored, incoming, 'partial').deactivated).toEqual([]);
    expect(checkEmployees([normalizeEmployee({ id: 'E1', name: 'A', managerId: 'E1' }), normalizeEmployee({ id: 'E1', name: '' })])).toMatchObject({ 'employees.0': ['an employee cannot be their own manager'], 'employees.1': ['name is required', 'id E1 appears twice'] });
  });
});
