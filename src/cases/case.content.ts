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
