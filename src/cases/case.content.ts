/** The shapes sealed inside a case, and sealing/opening them with the case key. */
import { openCaseContent, sealCaseContent, type CaseKey, type Sealed } from '../kernel/crypto.js';

export interface ReportContent {
  narrative: string;
  occurredAt: string | null;
  location: string | null;
  subjects?: { name: string; organisation: string | null; relationship: string | null }[];
  witnesses?: { name: string; contact: string | null }[];
  excluded?: { name: string }[];
  outcome?: string | null;
  safeNow?: string | null;
  answers?: Record<string, string>;
  /** People who stood by the report, named by the reporter (protected persons). */
  supporters?: { name: string; contact: string | null }[];
  /** What conflict-of-interest routing matched and decided at intake, for the handlers who received the case. */
  routing?: RoutingRecord;
  /** For a retaliation review: the HR event and the cases it is linked to (shown only to who may read both). */
  review?: { hrEventId: string; employeeId: string; type: string; effectiveAt: string | null; links: { caseId: string; role: string }[] };
}

export interface RoutingRecord {
  chainDepth: number;
  routedTo: 'handlers' | 'oversight';
  subjects: { name: string; matches: { employeeId: string; name: string; department: string | null }[] }[];
  mustNotSee: { name: string; employees: { employeeId: string; name: string; department: string | null }[]; staff: number }[];
  excluded: { name: string; reasons: string[] }[];
}

/** A subject, witness or supporter, as recorded (sealed under the case key). */
export interface PartyDetails {
  kind: 'subject' | 'witness' | 'supporter';
  name: string;
  organisation: string | null;
  relationship: string | null;
  contact: string | null;
  /** The directory entry this person is (set by a handler, or the one unambiguous match at intake). */
  employeeId: string | null;
  /** Every directory entry the name matched at intake (more than one: ambiguous). */
  matchedEmployeeIds: string[];
  source: 'reporter' | 'handler';
  protectedUntil: string | null;
  /** Order in the case: the reporter's order at intake, then as added. */
  position?: number;
}

export function sealParty(key: CaseKey, caseId: string, party: PartyDetails): Sealed {
  return sealCaseContent(key, caseId, 'party', JSON.stringify(party));
}

export function openParty(key: CaseKey, caseId: string, sealed: Uint8Array): PartyDetails {
  return JSON.parse(openCaseContent(key, caseId, 'party', sealed)) as PartyDetails;
}

export function sealDueProcess(key: CaseKey, caseId: string, body: unknown): Sealed {
  return sealCaseContent(key, caseId, 'due-process', JSON.stringify(body));
}

export function openDueProcess<T>(key: CaseKey, caseId: string, sealed: Uint8Array): T {
  return JSON.parse(openCaseContent(key, caseId, 'due-process', sealed)) as T;
}

export interface ReporterIdentity {
  name: string;
  email: string | null;
  phone: string | null;
}

export function sealReport(key: CaseKey, caseId: string, report: ReportContent): Sealed {
  return sealCaseContent(key, caseId, 'report', JSON.stringify(report));
}

/** The report exactly as sealed (its SHA-256 is in the audit entry of its receipt). */
export function openReportText(key: CaseKey, caseId: string, sealed: Uint8Array): string {
  return openCaseContent(key, caseId, 'report', sealed);
}

export function openReport(key: CaseKey, caseId: string, sealed: Uint8Array): ReportContent {
  return JSON.parse(openCaseContent(key, caseId, 'report', sealed)) as ReportContent;
}

export function sealIdentity(key: CaseKey, caseId: string, identity: ReporterIdentity): Sealed {
  return sealCaseContent(key, caseId, 'identity', JSON.stringify(identity));
}

export function openIdentity(key: CaseKey, caseId: string, sealed: Uint8Array): ReporterIdentity {
  return JSON.parse(openCaseContent(key, caseId, 'identity', sealed)) as ReporterIdentity;
}

export function sealMessage(key: CaseKey, caseId: string, body: string): Sealed {
  return sealCaseContent(key, caseId, 'message', body);
}

export function openMessage(key: CaseKey, caseId: string, sealed: Uint8Array): string {
  return openCaseContent(key, caseId, 'message', sealed);
}

/** Staff-written text on a case (reasons, allegations, findings, notes, tasks), sealed like the report. */
export type CaseTextPurpose = 'transition' | 'allegation' | 'finding' | 'note' | 'task';

export function sealCaseText(key: CaseKey, caseId: string, purpose: CaseTextPurpose, text: string): Sealed {
  return sealCaseContent(key, caseId, purpose, text);
}

export function openCaseText(key: CaseKey, caseId: string, purpose: CaseTextPurpose, sealed: Uint8Array): string {
  return openCaseContent(key, caseId, purpose, sealed);
}
