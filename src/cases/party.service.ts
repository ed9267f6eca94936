/**
 * The people of a case: subjects, witnesses and supporters. Named by the reporter at intake or
 * added by a handler; sealed under the case key like the rest of the case. Witnesses and
 * supporters found in the directory become protected persons (see protection.service.ts).
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { findEmployee, findEmployeesByNameOrEmail } from '../directory/directory.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { addCalendarDays } from '../clocks/clock.rules.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { unwrapCaseKeyForUser, type CaseKey } from '../kernel/crypto.js';
import type { Queryable, Tx } from '../kernel/database.js';
import { CaseNotFound, Conflict, ValidationFailed } from '../kernel/errors.js';
import { protectEmployee, type ProtectedRole } from '../protection/protection.service.js';
import { lookupKeys, matchDirectory, type DirectoryEntry, type NamedPerson } from '../routing/conflict.rules.js';
import { emailIn } from '../routing/name-match.rules.js';
import { planReportExclusions, type RoutingFacts } from '../routing/routing.service.js';
import type { SubmitReport } from '../intake/intake.schema.js';
import { openParty, sealParty, type PartyDetails, type RoutingRecord } from './case.content.js';
import { findReadableCase } from './case.repository.js';

export interface IntakeParties {
  routing: RoutingRecord;
  parties: PartyDetails[];
  /** The reporter's own directory entry, when confidential or named and found unambiguously. */
  reporterEmployeeId: string | null;
}

const entryView = (entry: DirectoryEntry) => ({ employeeId: entry.id, name: entry.name, department: entry.department });

/** The one directory entry a protected person is: by e-mail, else by a name that matches exactly one entry. */
function uniqueMatch(person: NamedPerson, entries: readonly DirectoryEntry[]): { employeeId: string | null; matched: string[] } {
  const matches = matchDirectory(person, entries);
  const email = person.email ?? null;
  const byEmail = email ? matches.filter((entry) => entry.email === email.toLowerCase()) : [];
  if (byEmail.length === 1) return { employeeId: byEmail[0]!.id, matched: matches.map((entry) => entry.id) };
  return { employeeId: matches.length === 1 ? matches[0]!.id : null, matched: matches.map((entry) => entry.id) };
}

/** Works out, before the intake transaction, who the report's people are in the directory. */
export async function prepareIntakeParties(db: Queryable, report: SubmitReport, routing: RoutingFacts, routedTo: 'handlers' | 'oversight', chainDepth: number): Promise<IntakeParties> {
  const witnesses = (report.witnesses ?? []).map((witness) => ({ name: witness.name, email: emailIn(witness.contact), contact: witness.contact ?? null }));
  const supporters = (report.supporters ?? []).map((supporter) => ({ name: supporter.name, email: emailIn(supporter.contact), contact: supporter.contact ?? null }));
  const reporter = report.anonymity !== 'anonymous' && report.identity ? { name: report.identity.name, email: report.identity.email ?? null } : null;
  const others = [...witnesses, ...supporters, ...(reporter ? [reporter] : [])];
  const { nameKeys, emails } = lookupKeys(others);
  const rows = await findEmployeesByNameOrEmail(db, nameKeys, emails);
  const entries: DirectoryEntry[] = rows.map((row) => ({ id: row.id, name: row.name, nameKey: row.name_key, email: row.email, department: row.department, managerId: row.manager_id }));

  const names = new Map(routing.staff.map((member) => [member.id, member.name]));
  const record: RoutingRecord = {
    chainDepth,
    routedTo,
    subjects: (report.subjects ?? []).map((subject, index) => ({ name: subject.name, matches: routing.plan.subjectMatches[index]!.map(entryView) })),
    mustNotSee: (report.excluded ?? []).map((person, index) => ({
      name: person.name,
      employees: routing.plan.mustNotSeeMatches[index]!.employees.map(entryView),
      staff: routing.plan.mustNotSeeMatches[index]!.staff.length,
    })),
    excluded: [...routing.plan.excluded].map(([userId, reasons]) => ({ name: names.get(userId) ?? 'a staff member', reasons })),
  };
  const parties: PartyDetails[] = [
    ...(report.subjects ?? []).map((subject, index) => {
      const matched = routing.plan.subjectMatches[index]!.map((entry) => entry.id);
      return {
        kind: 'subject' as const,
        name: subject.name,
        organisation: subject.organisation ?? null,
        relationship: subject.relationship ?? null,
        contact: subject.email ?? null,
        employeeId: matched.length === 1 ? matched[0]! : null,
        matchedEmployeeIds: matched,
        source: 'reporter' as const,
        protectedUntil: null,
      };
    }),
    ...(['witness', 'supporter'] as const).flatMap((kind) =>
      (kind === 'witness' ? witnesses : supporters).map((person) => {
        const { employeeId, matched } = uniqueMatch(person, entries);
        return { kind, name: person.name, organisation: null, relationship: null, contact: person.contact, employeeId, matchedEmployeeIds: matched, source: 'reporter' as const, protectedUntil: null };
      }),
    ),
  ];
  return { routing: record, parties, reporterEmployeeId: reporter ? uniqueMatch(reporter, entries).employeeId : null };
}

/** Stores the intake's parties and protections inside the intake transaction. */
export async function recordIntakeParties(tx: Tx, ctx: AppContext, caseId: string, caseKey: CaseKey, intake: IntakeParties, at: Date): Promise<void> {
  const until = addCalendarDays(at, ctx.config.protection.windowDays).toISOString();
  for (const [position, party] of intake.parties.entries()) {
    const id = randomUUID();
    const protect = party.kind !== 'subject' && party.employeeId !== null;
    await tx.insertInto('case_parties').values({ id, case_id: caseId, details_sealed: sealParty(caseKey, caseId, { ...party, protectedUntil: protect ? until : null, position }), added_by: null, created_at: at.toISOString() }).execute();
    if (protect) await protectEmployee(tx, ctx, { caseId, employeeId: party.employeeId!, role: party.kind as ProtectedRole, partyId: id, at });
  }
  if (intake.reporterEmployeeId) await protectEmployee(tx, ctx, { caseId, employeeId: intake.reporterEmployeeId, role: 'reporter', partyId: null, at });
}

export async function listParties(db: Queryable, caseId: string, caseKey: CaseKey) {
  const rows = await db.selectFrom('case_parties').select(['id', 'details_sealed', 'added_by', 'created_at']).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  return rows
    .map((row) => ({ id: row.id, ...openParty(caseKey, caseId, row.details_sealed), addedBy: row.added_by, at: row.created_at }))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

export interface NewParty {
  kind: 'subject' | 'witness' | 'supporter';
  name: string;
  employeeId?: string;
  organisation?: string;
  relationship?: string;
  contact?: string;
}

/**
 * A handler adds a subject, witness or supporter. A witness or supporter in the directory becomes
 * a protected person. A subject in the directory is checked against everyone holding the case's
 * key: whoever is now in conflict (the subject, their chain, a declared conflict) loses their key
 * copy in the same transaction, as if they had recused.
 */
export async function addParty(ctx: AppContext, principal: StaffPrincipal, caseId: string, input: NewParty) {
  const at = ctx.clock.now();
  const employee = input.employeeId ? await findEmployee(ctx.db, input.employeeId) : undefined;
  if (input.employeeId && !employee) throw new ValidationFailed({ employeeId: ['no such employee in the directory'] });
  const conflicted =
    input.kind === 'subject'
      ? (await planReportExclusions(ctx.db, { subjects: [{ name: employee?.name ?? input.name, email: employee?.email ?? emailIn(input.contact) }], mustNotSee: [] }, ctx.config.conflicts.chainDepth)).plan.excluded
      : new Map<string, string[]>();
  return inTransaction(ctx, async (tx) => {
    const row = await findReadableCase(tx, caseId, principal.userId);
    if (!row) throw new CaseNotFound();
    const caseKey = unwrapCaseKeyForUser(row.wrapped_key, principal.privateKey, caseId);
    const id = randomUUID();
    const position = Number((await tx.selectFrom('case_parties').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirst())?.n ?? 0);
    const protect = input.kind !== 'subject' && employee !== undefined;
    const until = protect ? addCalendarDays(at, ctx.config.protection.windowDays).toISOString() : null;
    const details: PartyDetails = {
      kind: input.kind,
      name: input.name,
      organisation: input.organisation ?? null,
      relationship: input.relationship ?? null,
      contact: input.contact ?? null,
      employeeId: employee?.id ?? null,
      matchedEmployeeIds: employee ? [employee.id] : [],
      source: 'handler',
      protectedUntil: until,
      position,
    };
    await tx.insertInto('case_parties').values({ id, case_id: caseId, details_sealed: sealParty(caseKey, caseId, details), added_by: principal.userId, created_at: at.toISOString() }).execute();
    if (protect) await protectEmployee(tx, ctx, { caseId, employeeId: employee.id, role: input.kind as ProtectedRole, partyId: id, at });
    let revoked = 0;
    if (conflicted.size > 0) {
      const holders = await tx.selectFrom('case_access').select(['user_id', 'active']).where('case_id', '=', caseId).execute();
      const removing = holders.filter((holder) => conflicted.has(holder.user_id));
      const remainingActive = holders.filter((holder) => holder.active === 1 && !conflicted.has(holder.user_id));
      if (removing.length > 0 && remainingActive.length === 0) {
        throw new Conflict('no_recipients_left', 'Everyone who can read this case is in conflict with this subject; ask oversight to take it first.');
      }
      for (const holder of removing) {
        await tx.deleteFrom('case_access').where('case_id', '=', caseId).where('user_id', '=', holder.user_id).execute();
        await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.access.revoke', caseId, targetId: holder.user_id, details: { reason: 'conflict' } });
      }
      await tx.updateTable('cases').set({ assignee_id: null }).where('id', '=', caseId).where('assignee_id', 'in', removing.length > 0 ? removing.map((holder) => holder.user_id) : ['-']).execute();
      revoked = removing.length;
    }
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'case.party.create', caseId, targetId: id, details: { kind: input.kind, protected: protect } });
    return { id, ...details, addedBy: principal.userId, at: at.toISOString(), accessRevoked: revoked };
  });
}
