/**
 * The escrow form as the browser sends it (flat text fields, so it works with JavaScript off), and
 * its translation into the escrow API's shape, with a message for each field that cannot be read.
 * Pure: no I/O.
 */
import { z } from 'zod';
import { ACCOUNT_MAX, type LodgeEntry, type TypedIdentifier } from '../escrow/escrow.schema.js';
import { IDENTIFIER_KINDS, isIdentifierKind, normalizeIdentifier, type IdentifierProblem, type NormalizeOptions } from '../escrow/identifier.rules.js';
import type { MessageKey } from './i18n/index.js';
import type { FormErrors } from './portal.form.js';

/** Rows offered on the first visit; the reporter can add more later, one at a time. */
export const IDENTIFIER_ROWS = 3;

export type EscrowForm = Record<string, string>;

const PROBLEM_MESSAGES: Record<IdentifierProblem, MessageKey> = {
  empty: 'escrow.err.noIdentifier',
  too_long: 'form.err.tooLong',
  email: 'escrow.err.email',
  phone: 'escrow.err.phone',
  phone_country: 'escrow.err.phoneCountry',
  url: 'escrow.err.url',
  employee: 'escrow.err.employee',
};

export function escrowFieldNames(rows: number): string[] {
  const names = ['account', 'contact_email'];
  for (let row = 1; row <= rows; row += 1) names.push(`identifier_kind_${row}`, `identifier_value_${row}`);
  return names;
}

/** Keeps the known fields of a posted form, as trimmed strings. */
export function cleanEscrowForm(body: Record<string, unknown>, rows = IDENTIFIER_ROWS): EscrowForm {
  const form: EscrowForm = {};
  for (const name of escrowFieldNames(rows)) {
    const value = body[name];
    if (typeof value === 'string') form[name] = name === 'account' ? value.replace(/\r\n/g, '\n').trim() : value.trim();
  }
  return form;
}

/** The identifiers typed into rows 1..rows, each checked; rows left empty are skipped. */
export function identifiersFromForm(form: EscrowForm, rows: number, options: NormalizeOptions): { identifiers: TypedIdentifier[]; errors: FormErrors } {
  const identifiers: TypedIdentifier[] = [];
  const errors: FormErrors = {};
  for (let row = 1; row <= rows; row += 1) {
    const value = form[`identifier_value_${row}`] ?? '';
    if (value === '') continue;
    const kind = form[`identifier_kind_${row}`];
    if (!isIdentifierKind(kind)) {
      errors[`identifier_value_${row}`] = 'form.err.invalid';
      continue;
    }
    const outcome = normalizeIdentifier(kind, value, options);
    if (outcome.ok) identifiers.push({ kind, value });
    else errors[`identifier_value_${row}`] = PROBLEM_MESSAGES[outcome.problem];
  }
  if (identifiers.length === 0 && Object.keys(errors).length === 0) errors.identifier_value_1 = 'escrow.err.noIdentifier';
  return { identifiers, errors };
}

/** The whole entry form: an entry to lodge, or what to fix. */
export function formToEntry(form: EscrowForm, options: NormalizeOptions): { entry: LodgeEntry | null; errors: FormErrors } {
  const { identifiers, errors } = identifiersFromForm(form, IDENTIFIER_ROWS, options);
  const account = form.account ?? '';
  if (account === '') errors.account = 'escrow.err.account';
  else if (account.length > ACCOUNT_MAX) errors.account = 'form.err.tooLong';
  const contact = form.contact_email ?? '';
  if (contact !== '' && !z.email().max(320).safeParse(contact).success) errors.contact_email = 'form.err.email';
  if (Object.keys(errors).length > 0) return { entry: null, errors };
  return { entry: { identifiers, account, ...(contact !== '' ? { contactEmail: contact } : {}) }, errors };
}

export { IDENTIFIER_KINDS };
