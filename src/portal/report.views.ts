import { REPORT_CATEGORIES } from '../intake/intake.schema.js';
import { html, type Html } from '../kernel/http/html.js';
import type { Question, QuestionnaireDefinition } from '../questionnaires/questionnaire.schema.js';
import { localized, type MessageKey } from './i18n/index.js';
import { METADATA_LABELS } from './i18n/metadata-labels.js';
import { errorSummary, field, hiddenFields, radioGroup, supportBox } from './portal.components.js';
import { ANONYMITY, PEOPLE_ROWS, WHEN_KINDS, WHERE_OPTIONS, type FormErrors, type ReportForm } from './portal.form.js';
import { layout, link, type PageContext } from './portal.layout.js';

export interface ChannelView {
  slug: string;
  name: string;
  description: string | null;
}

export interface PortalTexts {
  supportResources: string | null;
  acknowledgeDays: number;
  feedbackMonths: number;
}

export function landingPage(page: PageContext, channel: ChannelView, others: ChannelView[], texts: PortalTexts): Html {
  const { t, lang } = page;
  const channelChoice =
    others.length > 1
      ? html`<section aria-labelledby="channels-h"><h2 id="channels-h">${t('landing.channels')}</h2><ul class="channels">
          ${others.map((other) => html`<li><a href="${link(`/c/${other.slug}`, lang)}"${other.slug === channel.slug ? html` aria-current="page"` : ''}>${other.name}</a>${other.description ? html` <span class="muted">${other.description}</span>` : ''}</li>`)}
        </ul></section>`
      : null;
  return layout(
    page,
    { title: t('landing.heading'), languageLink: (other) => link(`/c/${channel.slug}`, other) },
    html`<h1>${t('landing.heading')}</h1>
<p class="lead">${t('landing.intro')}</p>
${others.length > 1 ? html`<p class="muted">${t('landing.channel', { channel: channel.name })}</p>` : null}
${channel.description ? html`<p>${channel.description}</p>` : null}
<p class="actions"><a class="button" href="${link(`/c/${channel.slug}/report`, lang)}">${t('landing.start')}</a>
<a class="button secondary" href="${link('/followup', lang)}">${t('landing.return')}</a></p>
${channelChoice}
<section aria-labelledby="escrow-h"><h2 id="escrow-h">${t('landing.escrow.heading')}</h2><p>${t('landing.escrow.body')}</p>
<p class="actions"><a class="button secondary" href="${link('/escrow', lang)}">${t('landing.escrow.start')}</a> <a href="${link('/escrow/return', lang)}">${t('landing.escrow.return')}</a></p></section>
<section aria-labelledby="who-h"><h2 id="who-h">${t('landing.who.heading')}</h2><p>${t('landing.who.body')}</p></section>
<section aria-labelledby="next-h"><h2 id="next-h">${t('landing.next.heading')}</h2>
<ol class="steps"><li>${t('landing.next.ack', { days: texts.acknowledgeDays })}</li><li>${t('landing.next.feedback', { months: texts.feedbackMonths })}</li><li>${t('landing.next.receipt')}</li></ol></section>
<section aria-labelledby="anon-h"><h2 id="anon-h">${t('landing.anonymity.heading')}</h2>
<ul class="choices"><li>${t('landing.anonymity.anonymous')}</li><li>${t('landing.anonymity.confidential')}</li><li>${t('landing.anonymity.named')}</li></ul></section>
${supportBox(page, texts.supportResources, false)}
<p class="muted small">${t('landing.privacy')}</p>`,
  );
}

function peopleRows(page: PageContext, form: ReportForm, errors: FormErrors, kind: 'subject' | 'witness' | 'supporter' | 'excluded', fields: [string, MessageKey][]): Html {
  const rows = Math.max(PEOPLE_ROWS, ...Object.keys(form).map((key) => Number(new RegExp(`^${kind}_[a-z]+_(\\d+)$`).exec(key)?.[1] ?? 0)));
  return html`<div class="people" data-people="${kind}">
    ${Array.from({ length: rows }, (_, index) => {
      const row = index + 1;
      return html`<fieldset class="person" data-row="${row}"><legend>${page.t('q.subjects.person', { n: row })}</legend>
        ${fields.map(([name, label]) => field(page, { name: `${kind}_${name}_${row}`, label: page.t(label), value: form[`${kind}_${name}_${row}`], error: errors[`${kind}_${name}_${row}`], autocomplete: 'off' }))}
      </fieldset>`;
    })}
    <button type="button" class="secondary add-person" data-add-person="${kind}" hidden>${page.t('q.addPerson')}</button>
  </div>`;
}

function customQuestion(page: PageContext, question: Exclude<Question, { kind: 'builtin' }>, form: ReportForm, errors: FormErrors): Html {
  const name = `q_${question.id}`;
  const label = localized(question.label, page.lang) ?? question.id;
  const help = localized(question.help, page.lang);
  if (question.kind === 'text') {
    return html`<section class="question">${field(page, { name, label, help, value: form[name], error: errors[name], multiline: question.multiline, optional: true })}</section>`;
  }
  return html`<section class="question">${radioGroup(page, {
    name,
    legend: label,
    help,
    value: form[name],
    error: errors[name],
    options: [...question.options.map((option) => ({ value: option.value, label: localized(option.label, page.lang) ?? option.value })), ...specialOptions(page)],
  })}</section>`;
}

const specialOptions = (page: PageContext) => [
  { value: 'dont-know', label: page.t('form.dontKnow') },
  { value: 'rather-not-say', label: page.t('form.ratherNotSay') },
];

function builtinQuestion(page: PageContext, id: string, form: ReportForm, errors: FormErrors, supportResources: string | null): Html {
  const { t } = page;
  switch (id) {
    case 'category':
      return html`<section class="question">${radioGroup(page, {
        name: 'category',
        legend: t('q.category.label'),
        help: t('q.category.help'),
        value: form.category,
        error: errors.category,
        options: REPORT_CATEGORIES.map((category) => ({ value: category, label: t(`category.${category}` as MessageKey) })),
      })}</section>`;
    case 'narrative':
      return html`<section class="question">${field(page, { name: 'narrative', label: t('q.narrative.label'), help: t('q.narrative.help'), value: form.narrative, error: errors.narrative, multiline: true, required: true, maxLength: 100_000, rows: 14 })}</section>`;
    case 'when':
      return html`<section class="question">${radioGroup(page, {
        name: 'when_kind',
        legend: t('q.when.label'),
        value: form.when_kind,
        options: WHEN_KINDS.map((kind) => ({
          value: kind,
          label: kind === 'dont-know' ? t('form.dontKnow') : kind === 'rather-not-say' ? t('form.ratherNotSay') : t(`q.when.${kind}` as MessageKey),
        })),
        after: html`<div class="when-details">
          ${field(page, { name: 'when_date', label: t('q.when.dateField'), value: form.when_date, type: 'date', optional: true })}
          <div class="pair">${field(page, { name: 'when_from', label: t('q.when.from'), value: form.when_from, type: 'date', optional: true })}${field(page, { name: 'when_to', label: t('q.when.to'), value: form.when_to, type: 'date', optional: true })}</div>
          ${field(page, { name: 'when_around', label: t('q.when.aroundText'), value: form.when_around, error: errors.when_around, optional: true })}
        </div>`,
      })}</section>`;
    case 'where':
      return html`<section class="question">${radioGroup(page, {
        name: 'where',
        legend: t('q.where.label'),
        value: form.where,
        options: WHERE_OPTIONS.map((place) => ({
          value: place,
          label: place === 'dont-know' ? t('form.dontKnow') : place === 'rather-not-say' ? t('form.ratherNotSay') : t(`q.where.${place}` as MessageKey),
        })),
        after: field(page, { name: 'where_detail', label: t('q.where.detail'), value: form.where_detail, error: errors.where_detail, optional: true }),
      })}</section>`;
    case 'subjects':
      return html`<section class="question"><h2>${t('q.subjects.label')} <span class="muted">${t('form.optional')}</span></h2><p class="help">${t('q.subjects.help')}</p>
        ${peopleRows(page, form, errors, 'subject', [['name', 'q.subjects.name'], ['org', 'q.subjects.organisation'], ['rel', 'q.subjects.relationship']])}</section>`;
    case 'witnesses':
      return html`<section class="question"><h2>${t('q.witnesses.label')} <span class="muted">${t('form.optional')}</span></h2><p class="help">${t('q.witnesses.help')}</p>
        ${peopleRows(page, form, errors, 'witness', [['name', 'q.witnesses.name'], ['contact', 'q.witnesses.contact']])}</section>`;
    case 'supporters':
      return html`<section class="question"><h2>${t('q.supporters.label')} <span class="muted">${t('form.optional')}</span></h2><p class="help">${t('q.supporters.help')}</p>
        ${peopleRows(page, form, errors, 'supporter', [['name', 'q.supporters.name'], ['contact', 'q.supporters.contact']])}</section>`;
    case 'excluded':
      return html`<section class="question"><h2>${t('q.excluded.label')} <span class="muted">${t('form.optional')}</span></h2><p class="help">${t('q.excluded.help')}</p>
        ${peopleRows(page, form, errors, 'excluded', [['name', 'q.excluded.name']])}</section>`;
    case 'outcome':
      return html`<section class="question">${field(page, { name: 'outcome', label: t('q.outcome.label'), help: t('q.outcome.help'), value: form.outcome, error: errors.outcome, multiline: true, optional: true, rows: 4 })}</section>`;
    case 'safety':
      return html`<section class="question">${radioGroup(page, {
        name: 'safety',
        legend: t('q.safety.label'),
        value: form.safety,
        options: [
          { value: 'yes', label: t('q.safety.yes') },
          { value: 'no', label: t('q.safety.no') },
          { value: 'unsure', label: t('q.safety.unsure') },
          { value: 'rather-not-say', label: t('form.ratherNotSay') },
        ],
        after: html`<div class="safety-help" data-show-when="safety=no">${supportBox(page, supportResources, true)}</div>`,
      })}</section>`;
    default:
      return html``;
  }
}

function identitySection(page: PageContext, form: ReportForm, errors: FormErrors): Html {
  const { t } = page;
  return html`<section class="question">${radioGroup(page, {
    name: 'anonymity',
    legend: t('identity.heading'),
    value: form.anonymity ?? 'anonymous',
    options: ANONYMITY.map((choice) => ({ value: choice, label: t(`identity.${choice}` as MessageKey) })),
    after: html`<div class="identity" data-show-when="anonymity!=anonymous"><p class="help">${t('identity.note')}</p>
      ${field(page, { name: 'identity_name', label: t('identity.name'), value: form.identity_name, error: errors.identity_name, autocomplete: 'name' })}
      ${field(page, { name: 'identity_email', label: t('identity.email'), value: form.identity_email, error: errors.identity_email, type: 'email', autocomplete: 'email', optional: true })}
      ${field(page, { name: 'identity_phone', label: t('identity.phone'), value: form.identity_phone, type: 'tel', autocomplete: 'tel', optional: true })}</div>`,
  })}</section>`;
}

export interface FormPageInput {
  channel: ChannelView;
  version: number;
  definition: QuestionnaireDefinition;
  form: ReportForm;
  errors: FormErrors;
  csrf: string;
  supportResources: string | null;
}

export function reportFormPage(page: PageContext, input: FormPageInput): Html {
  const { t, lang } = page;
  const { definition, form, errors } = input;
  return layout(
    page,
    { title: t('form.heading'), languageLink: (other) => link(`/c/${input.channel.slug}/report`, other) },
    html`<h1>${t('form.heading')}</h1>
<p class="lead">${t('form.intro')}</p>
${errorSummary(page, errors)}
<form method="post" action="${link(`/c/${input.channel.slug}/review`, lang)}" class="report-form" novalidate>
  <input type="hidden" name="csrf" value="${input.csrf}">
  <input type="hidden" name="lang" value="${lang}">
  <input type="hidden" name="questionnaire_version" value="${input.version}">
  ${definition.questions.map((question) => (question.kind === 'builtin' ? builtinQuestion(page, question.id, form, errors, input.supportResources) : customQuestion(page, question, form, errors)))}
  ${identitySection(page, form, errors)}
  <p class="actions"><button type="submit" class="button">${t('form.review')}</button></p>
</form>`,
  );
}

export interface ReviewPageInput extends FormPageInput {
  /** Identifies this reviewed form, so that sending it twice files one report. */
  submission: string;
  fileMb: number;
  caseMb: number;
  fieldNames: string[];
}

function reviewRow(label: string, value: string | undefined | null, emptyText: string): Html {
  return html`<div class="review-row"><dt>${label}</dt><dd>${value ? html`<span class="answer">${value}</span>` : html`<span class="muted">${emptyText}</span>`}</dd></div>`;
}

export function reviewPage(page: PageContext, input: ReviewPageInput): Html {
  const { t, lang } = page;
  const { form } = input;
  const empty = t('review.empty');
  const label = (key: MessageKey, value: string | undefined) => (value ? t(key) : undefined);
  const peopleList = (kind: string) =>
    Object.keys(form)
      .filter((key) => key.startsWith(`${kind}_name_`))
      .map((key) => {
        const row = key.split('_').pop();
        return [form[key], form[`${kind}_org_${row}`], form[`${kind}_rel_${row}`], form[`${kind}_contact_${row}`]].filter(Boolean).join(', ');
      })
      .join('; ');
  const special = (value: string | undefined) => (value === 'dont-know' ? t('form.dontKnow') : value === 'rather-not-say' ? t('form.ratherNotSay') : undefined);
  const when =
    form.when_kind === 'date' ? form.when_date : form.when_kind === 'range' ? `${form.when_from ?? '?'} – ${form.when_to ?? '?'}` : form.when_kind === 'around' ? form.when_around : special(form.when_kind);
  const where = [special(form.where) ?? label(`q.where.${form.where}` as MessageKey, form.where), form.where_detail].filter(Boolean).join(': ');
  const answered = (id: string) => input.definition.questions.some((question) => question.kind === 'builtin' && question.id === id);
  return layout(
    page,
    { title: t('review.heading') },
    html`<h1>${t('review.heading')}</h1>
<p class="lead">${t('review.intro')}</p>
${form.safety === 'no' ? supportBox(page, input.supportResources, true) : null}
<dl class="review">
  ${answered('category') ? reviewRow(t('q.category.label'), form.category ? t(`category.${form.category}` as MessageKey) : undefined, empty) : null}
  ${reviewRow(t('q.narrative.label'), form.narrative, empty)}
  ${answered('when') ? reviewRow(t('q.when.label'), when, empty) : null}
  ${answered('where') ? reviewRow(t('q.where.label'), where, empty) : null}
  ${answered('subjects') ? reviewRow(t('q.subjects.label'), peopleList('subject'), empty) : null}
  ${answered('witnesses') ? reviewRow(t('q.witnesses.label'), peopleList('witness'), empty) : null}
  ${answered('supporters') ? reviewRow(t('q.supporters.label'), peopleList('supporter'), empty) : null}
  ${answered('excluded') ? reviewRow(t('q.excluded.label'), peopleList('excluded'), empty) : null}
  ${answered('outcome') ? reviewRow(t('q.outcome.label'), form.outcome, empty) : null}
  ${answered('safety') ? reviewRow(t('q.safety.label'), form.safety ? (special(form.safety) ?? t(`q.safety.${form.safety}` as MessageKey)) : undefined, empty) : null}
  ${input.definition.questions.filter((question) => question.kind !== 'builtin').map((question) => {
    const value = form[`q_${question.id}`];
    const option = question.kind === 'choice' ? question.options.find((candidate) => candidate.value === value) : undefined;
    return reviewRow(localized(question.label, lang) ?? question.id, special(value) ?? (option ? localized(option.label, lang) : value) ?? undefined, empty);
  })}
  ${reviewRow(t('review.anonymity'), t(`identity.${form.anonymity ?? 'anonymous'}` as MessageKey) + (form.anonymity && form.anonymity !== 'anonymous' && form.identity_name ? ` (${form.identity_name})` : ''), empty)}
</dl>
<form method="post" action="${link(`/c/${input.channel.slug}/send`, lang)}" enctype="multipart/form-data" class="send-form">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <input type="hidden" name="lang" value="${lang}">
  <input type="hidden" name="questionnaire_version" value="${input.version}">
  <input type="hidden" name="submission" value="${input.submission}">
  ${hiddenFields(form, input.fieldNames)}
  <section class="question evidence" aria-labelledby="evidence-h"><h2 id="evidence-h">${t('review.evidence.heading')}</h2>
    <p class="help" id="evidence-help">${t('review.evidence.help', { fileMb: input.fileMb, caseMb: input.caseMb })} ${t('review.evidence.strip')}</p>
    <p class="check"><input type="checkbox" id="keep_original" name="keep_original" value="yes"><label for="keep_original">${t('review.evidence.keep')}</label></p>
    <div class="drop-zone" data-drop-zone>
      <label for="evidence">${t('review.evidence.input')}</label>
      <input type="file" id="evidence" name="evidence" multiple aria-describedby="evidence-help">
      <p class="drop-hint" hidden>${t('review.evidence.drop')}</p>
      <ul class="upload-list" aria-live="polite"></ul>
    </div>
  </section>
  <p class="actions">
    <button type="submit" class="button" data-sending-label="${t('review.sending')}">${t('review.send')}</button>
    <button type="submit" class="button secondary" formaction="${link(`/c/${input.channel.slug}/edit`, lang)}" formnovalidate>${t('review.edit')}</button>
  </p>
  <div class="progress" hidden><progress max="100" value="0" aria-label="${t('review.sending')}"></progress></div>
</form>`,
  );
}

export interface ReceiptPageInput {
  receipt: string;
  caseRef: string;
  acknowledgeBy: string;
  feedbackBy: string;
  removed: { filename: string; items: string[] }[];
  safeNow: string | null;
  supportResources: string | null;
}

export function formatDate(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-Hans' : lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}

export function receiptPage(page: PageContext, input: ReceiptPageInput): Html {
  const { t, lang } = page;
  return layout(
    page,
    { title: t('receipt.heading') },
    html`<h1>${t('receipt.heading')}</h1>
<p class="lead">${t('receipt.thanks')}</p>
${input.safeNow === 'no' ? supportBox(page, input.supportResources, true) : null}
<section class="receipt-box" aria-labelledby="receipt-h">
  <h2 id="receipt-h">${t('receipt.label')}</h2>
  <p class="receipt" data-receipt>${input.receipt.split(' ').map((group) => html`<span>${group}</span> `)}</p>
  <p>${t('receipt.keep')}</p>
  <p class="warning"><strong>${t('receipt.warning')}</strong></p>
</section>
<p>${t('receipt.ref', { ref: input.caseRef })}</p>
<ol class="steps"><li>${t('receipt.ackBy', { date: formatDate(input.acknowledgeBy, lang) })}</li><li>${t('receipt.feedbackBy', { date: formatDate(input.feedbackBy, lang) })}</li></ol>
${input.removed.length > 0 ? html`<ul class="removed">${input.removed.map((file) => html`<li>${t('receipt.removed', { file: file.filename, items: file.items.map((item) => METADATA_LABELS[lang]?.[item] ?? item).join(lang === 'zh' ? '、' : ', ') })}</li>`)}</ul>` : null}
<p class="actions"><a class="button" href="${link('/my-report', lang)}">${t('receipt.continue')}</a></p>`,
  );
}
