/**
 * The words of every e-mail Candor sends. Pure. A notice says only that there is something to do
 * and by when: never content, names, categories, clock kinds or anything about a case beyond its
 * reference (and to a reporter, not even that). Mail passes through servers Candor does not control.
 */
export const MAIL_TEMPLATES = ['deadline.warning', 'deadline.missed', 'case.escalated', 'reporter.news', 'escrow.news', 'audit.head'] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export interface MailParams {
  /** The case reference (staff notices only). */
  ref?: string;
  /** An ISO-8601 time. */
  dueAt?: string;
  /** An escrow notice id (escrow notices only): where the mailer finds the sealed address. */
  notice?: string;
  /** The audit chain's head (witness mail only). */
  seq?: number;
  hash?: string;
  at?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
}

/** `2026-01-12 09:00 UTC`: unambiguous in any language and time zone. */
export function formatMailTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function renderMail(template: MailTemplate, params: MailParams, links: { staff: string | null; reporter: string | null }): RenderedMail {
  const staffLink = links.staff ? `\n\nSign in to Candor: ${links.staff}` : '\n\nSign in to Candor to see it.';
  const ref = params.ref ?? 'a case';
  const due = params.dueAt ? formatMailTime(params.dueAt) : null;
  switch (template) {
    case 'deadline.warning':
      return {
        subject: `Candor: case ${ref} needs action by ${due}`,
        text: `Case ${ref} has a deadline on ${due}.${staffLink}`,
      };
    case 'deadline.missed':
      return {
        subject: `Candor: a deadline on case ${ref} was missed`,
        text: `A deadline on case ${ref} passed on ${due} and the case has been escalated.${staffLink}`,
      };
    case 'case.escalated':
      return {
        subject: `Candor: case ${ref} has been escalated to you`,
        text: `Case ${ref} missed a deadline and has been escalated to you. Please act on it.${staffLink}`,
      };
    case 'escrow.news':
      // The same words whatever happened, and nothing that says the reader left a sealed entry.
      return {
        subject: 'You have a new notice',
        text: `There is news for you. Sign in with your receipt${links.reporter ? `: ${links.reporter}` : '.'}`,
      };
    case 'audit.head':
      // The line `candor audit head` prints: keep these mails; `candor audit verify --against FILE` reads them.
      return {
        subject: `Candor audit head #${params.seq}`,
        text: `candor-audit-head ${params.seq} ${params.hash} ${params.at}\n\nKeep this message. It witnesses the state of Candor's audit log; a later rewrite of history shows against it:\n  candor audit verify --against FILE\n`,
      };
    case 'reporter.news':
      return {
        subject: 'You have a new notice',
        text: `There is news about your report. Sign in with your receipt${links.reporter ? `: ${links.reporter}` : '.'}`,
      };
  }
}
