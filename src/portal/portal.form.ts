/**
 * The report form as the browser sends it (flat text fields, so it works with JavaScript off and
 * survives the trip through the review page), and its translation into the intake API's shape.
 * Pure: no I/O.
 */
import { REPORT_CATEGORIES, SAFETY_ANSWERS, SubmitReportBody, type SubmitReport } from '../intake/intake.schema.js';
import { customQuestions } from '../questionnaires/questionnaire.rules.js';
import type { QuestionnaireDefinition } from '../questionnaires/questionnaire.schema.js';
import type { MessageKey } from './i18n/index.js';

/** Rows offered for people without JavaScript; with it, more can be added. */
export const PEOPLE_ROWS = 3;
export const MAX_PEOPLE = 20;

export type ReportForm = Record<string, string>;
export type FormErrors = Record<string, MessageKey>;

export const WHEN_KINDS = ['date', 'range', 'around', 'dont-know', 'rather-not-say'] as const;
export const WHERE_OPTIONS = ['office', 'business-trip', 'work-event', 'online', 'other', 'dont-know', 'rather-not-say'] as const;
export const ANONYMITY = ['anonymous', 'confidential', 'named'] as const;

const PERSON_FIELDS = {
  subject: ['name', 'org', 'rel'],
  witness: ['name', 'contact'],
  supporter: ['name', 'contact'],
  excluded: ['name'],
} as const;

/** The intake request's lists of people, and the form's row prefix for each. */
const KIND_OF_LIST = { subjects: 'subject', witnesses: 'witness', supporters: 'supporter', excluded: 'excluded' } as const;
type PeopleList = keyof typeof KIND_OF_LIST;
const PEOPLE_LISTS = Object.keys(KIND_OF_LIST) as PeopleList[];

/** A form field of a person row: `<kind>_<field>_<row>`. */
const PERSON_FIELD_NAME = new RegExp(`^(?:${Object.keys(PERSON_FIELDS).join('|')})_[a-z]+_(\\d{1,2})$`);

/** One filled-in row of a list of people, by its number on the form. */
interface PersonRow {
  row: number;
  values: Record<string, string>;
}

/** The field names this form may carry for a questionnaire; anything else the browser sends is dropped. */
export function formFieldNames(definition: QuestionnaireDefinition, rows: number): string[] {
  const names = [
    'category', 'narrative', 'when_kind', 'when_date', 'when_from', 'when_to', 'when_around', 'where', 'where_detail',
    'outcome', 'safety', 'anonymity', 'identity_name', 'identity_email', 'identity_phone',
  ];
  for (const [kind, fields] of Object.entries(PERSON_FIELDS)) {
    for (let row = 1; row <= rows; row += 1) for (const field of fields) names.push(`${kind}_${field}_${row}`);
  }
  for (const question of customQuestions(definition)) names.push(`q_${question.id}`);
  return names;
}

/** How many person rows the submitted form holds (JavaScript may have added some). */
export function rowsIn(form: Record<string, unknown>): number {
  let rows = PEOPLE_ROWS;
  for (const key of Object.keys(form)) {
    const match = PERSON_FIELD_NAME.exec(key);
    if (match) rows = Math.max(rows, Math.min(Number(match[1]), MAX_PEOPLE));
  }
  return rows;
}

/** Keeps the known fields, as trimmed strings. */
export function cleanForm(raw: Record<string, unknown>, definition: QuestionnaireDefinition): ReportForm {
  const form: ReportForm = {};
  for (const name of formFieldNames(definition, rowsIn(raw))) {
    const value = raw[name];
    if (typeof value === 'string' && value.trim() !== '') form[name] = value.replace(/\r\n/g, '\n').trim();
  }
  return form;
}

function people(form: ReportForm, kind: keyof typeof PERSON_FIELDS): PersonRow[] {
  const found: PersonRow[] = [];
  for (let row = 1; row <= MAX_PEOPLE; row += 1) {
    const values: Record<string, string> = {};
    for (const field of PERSON_FIELDS[kind]) {
      const value = form[`${kind}_${field}_${row}`];
      if (value) values[field] = value;
    }
    if (Object.keys(values).length > 0) found.push({ row, values });
  }
  return found;
}

function describeWhen(form: ReportForm): string | undefined {
  switch (form.when_kind) {
    case 'date':
      return form.when_date;
    case 'range':
      return form.when_from || form.when_to ? `between ${form.when_from ?? '?'} and ${form.when_to ?? '?'}` : undefined;
    case 'around':
      return form.when_around ? `around ${form.when_around}` : 'around (no detail given)';
    case 'dont-know':
      return "doesn't know";
    case 'rather-not-say':
      return 'would rather not say';
    default:
      return undefined;
  }
}

function describeWhere(form: ReportForm): string | undefined {
  const place = form.where;
  const detail = form.where_detail;
  if (!place && !detail) return undefined;
  return [place, detail].filter(Boolean).join(': ');
}

export interface FormOutcome {
  report?: SubmitReport;
  errors: FormErrors;
}

/** Turns the form into an intake request, or says which fields need another look. */
export function formToReport(form: ReportForm, channel: string, questionnaireVersion: number, definition: QuestionnaireDefinition): FormOutcome {
  const errors: FormErrors = {};
  const anonymity = (ANONYMITY as readonly string[]).includes(form.anonymity ?? '') ? (form.anonymity as SubmitReport['anonymity']) : 'anonymous';
  const answers: Record<string, string> = {};
  for (const question of customQuestions(definition)) {
    const value = form[`q_${question.id}`];
    if (value) answers[question.id] = value;
  }
  const rows = Object.fromEntries(PEOPLE_LISTS.map((list) => [list, people(form, KIND_OF_LIST[list])])) as Record<PeopleList, PersonRow[]>;
  for (const list of PEOPLE_LISTS) {
    for (const { row, values } of rows[list]) if (!values.name) errors[`${KIND_OF_LIST[list]}_name_${row}`] = 'form.err.personName';
  }
  // Only named rows go to intake; a problem with the n-th of them belongs next to its own row, whatever was left empty before it.
  const named = Object.fromEntries(PEOPLE_LISTS.map((list) => [list, rows[list].filter((person) => person.values.name)])) as Record<PeopleList, PersonRow[]>;
  const candidate = {
    channel,
    category: (REPORT_CATEGORIES as readonly string[]).includes(form.category ?? '') ? form.category : 'other',
    narrative: form.narrative ?? '',
    occurredAt: describeWhen(form),
    location: describeWhere(form),
    anonymity,
    identity:
      anonymity === 'anonymous'
        ? undefined
        : { name: form.identity_name ?? '', email: form.identity_email, phone: form.identity_phone },
    subjects: named.subjects.map(({ values }) => ({ name: values.name!, organisation: values.org, relationship: values.rel })),
    witnesses: named.witnesses.map(({ values }) => ({ name: values.name!, contact: values.contact })),
    supporters: named.supporters.map(({ values }) => ({ name: values.name!, contact: values.contact })),
    excluded: named.excluded.map(({ values }) => ({ name: values.name! })),
    outcome: form.outcome,
    safeNow: (SAFETY_ANSWERS as readonly string[]).includes(form.safety ?? '') ? form.safety : undefined,
    questionnaireVersion,
    answers,
  };
  const parsed = SubmitReportBody.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, second, third] = issue.path.map(String);
      const tooLong = issue.code === 'too_big';
      if (first === 'narrative') errors.narrative = tooLong ? 'form.err.tooLong' : 'form.err.narrative';
      else if (first === 'identity') errors[second === 'email' ? 'identity_email' : 'identity_name'] = second === 'email' ? 'form.err.email' : 'form.err.identityName';
      else if ((PEOPLE_LISTS as readonly string[]).includes(first ?? '')) {
        const list = first as PeopleList;
        const row = named[list][Number(second)]?.row ?? Number(second) + 1;
        errors[`${KIND_OF_LIST[list]}_${third === 'organisation' ? 'org' : third === 'relationship' ? 'rel' : (third ?? 'name')}_${row}`] = tooLong ? 'form.err.tooLong' : 'form.err.invalid';
      } else if (first === 'occurredAt') errors.when_around = 'form.err.tooLong';
      else if (first === 'location') errors.where_detail = 'form.err.tooLong';
      else if (first === 'answers') errors[`q_${second}`] = 'form.err.invalid';
      else errors[first ?? 'narrative'] = tooLong ? 'form.err.tooLong' : 'form.err.invalid';
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { report: parsed.data, errors };
}
