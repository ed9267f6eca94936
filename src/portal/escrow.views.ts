/** The escrow pages of the reporter portal: hold an entry, its receipt, the return visit. */
import type { EntryView } from '../escrow/escrow.service.js';
import { REPORT_CATEGORIES } from '../intake/intake.schema.js';
import { html, type Html } from '../kernel/http/html.js';
import type { MessageKey } from './i18n/index.js';
import { IDENTIFIER_KINDS, IDENTIFIER_ROWS, type EscrowForm } from './escrow.form.js';
import { errorSummary, field, radioGroup, supportBox } from './portal.components.js';
import type { FormErrors } from './portal.form.js';
import { layout, link, type PageContext } from './portal.layout.js';
import { receiptLoginPage, type ReceiptLoginInput } from './followup.views.js';
import { formatDate } from './report.views.js';

function identifierRow(page: PageContext, row: number, form: EscrowForm, errors: FormErrors, legend: string): Html {
  const { t } = page;
  const kindId = `f-identifier_kind_${row}`;
  const chosen = form[`identifier_kind_${row}`] ?? 'email';
  return html`<fieldset class="person" data-row="${row}"><legend>${legend}</legend>
    <div class="field"><label for="${kindId}">${t('escrow.who.kind')}</label>
      <select id="${kindId}" name="identifier_kind_${row}">${IDENTIFIER_KINDS.map(
        (kind) => html`<option value="${kind}"${kind === chosen ? html` selected` : ''}>${t(`escrow.kind.${kind}` as MessageKey)}</option>`,
      )}</select></div>
    ${field(page, { name: `identifier_value_${row}`, label: t('escrow.who.value'), value: form[`identifier_value_${row}`], error: errors[`identifier_value_${row}`], autocomplete: 'off', maxLength: 500 })}
  </fieldset>`;
}

/** How many entries must name a person before they open: the words differ for two and for more. */
function howItWorks(page: PageContext, threshold: number): Html {
  const { t } = page;
  const match = threshold <= 2 ? t('escrow.how.match') : t('escrow.how.matchMany', { n: threshold - 1 });
  return html`<section aria-labelledby="how-h"><h2 id="how-h">${t('escrow.how.heading')}</h2>
<ul class="choices"><li>${t('escrow.how.sealed')}</li><li>${match}</li><li>${t('escrow.how.control')}</li><li>${t('escrow.how.limits')}</li></ul></section>`;
}

export interface EscrowFormInput {
  form: EscrowForm;
  errors: FormErrors;
  csrf: string;
  /** The form's one-time id, which its token is bound to: sent twice, it holds one entry. */
  submission: string;
  supportResources: string | null;
  threshold: number;
}

export function escrowFormPage(page: PageContext, input: EscrowFormInput): Html {
  const { t, lang } = page;
  const { form, errors } = input;
  return layout(
    page,
    { title: t('escrow.title'), languageLink: (other) => link('/escrow', other) },
    html`<h1>${t('escrow.heading')}</h1>
<p class="lead">${t('escrow.intro')}</p>
${howItWorks(page, input.threshold)}
${errorSummary(page, errors)}
<form method="post" action="${link('/escrow', lang)}" class="escrow-form" novalidate>
  <input type="hidden" name="submission" value="${input.submission}">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <input type="hidden" name="lang" value="${lang}">
  <section class="question"><h2>${t('escrow.who.heading')}</h2><p class="help">${t('escrow.who.help')}</p>
    ${Array.from({ length: IDENTIFIER_ROWS }, (_, index) => identifierRow(page, index + 1, form, errors, t('escrow.who.row', { n: index + 1 })))}
  </section>
  <section class="question">${field(page, { name: 'account', label: t('escrow.account.label'), help: t('escrow.account.help'), value: form.account, error: errors.account, multiline: true, required: true, maxLength: 20_000, rows: 8 })}</section>
  <section class="question">${field(page, { name: 'contact_email', label: t('escrow.contact.label'), help: t('escrow.contact.help'), value: form.contact_email, error: errors.contact_email, type: 'email', optional: true, autocomplete: 'email' })}</section>
  <p class="actions"><button type="submit" class="button">${t('escrow.submit')}</button></p>
</form>
${supportBox(page, input.supportResources, false)}`,
  );
}

export function escrowReceiptPage(page: PageContext, input: { receipt: string }): Html {
  const { t, lang } = page;
  return layout(
    page,
    { title: t('escrow.receipt.heading') },
    html`<h1>${t('escrow.receipt.heading')}</h1>
<p class="lead">${t('escrow.receipt.thanks')}</p>
<section class="receipt-box" aria-labelledby="receipt-h">
  <h2 id="receipt-h">${t('receipt.label')}</h2>
  <p class="receipt" data-receipt>${input.receipt.split(' ').map((group) => html`<span>${group}</span> `)}</p>
  <p>${t('escrow.receipt.keep')}</p>
  <p class="warning"><strong>${t('receipt.warning')}</strong></p>
</section>
<p>${t('escrow.receipt.next')}</p>
<p class="actions"><a class="button" href="${link('/escrow/entry', lang)}">${t('escrow.receipt.continue')}</a></p>`,
  );
}

export function escrowReturnPage(page: PageContext, input: ReceiptLoginInput & { error?: 'escrow.return.bad' | 'followup.throttled' | null }): Html {
  return receiptLoginPage(page, { path: '/escrow/return', heading: 'escrow.return.heading', intro: 'escrow.return.intro', submit: 'escrow.return.submit' }, input);
}

export interface EntryPageInput {
  view: EntryView;
  csrf: string;
  notice?: MessageKey | null;
  form?: EscrowForm;
  errors?: FormErrors;
  supportResources: string | null;
  threshold: number;
}

function statusSection(page: PageContext, view: EntryView, supportResources: string | null, threshold: number): Html {
  const { t } = page;
  const opened = view.caseRef && view.caseReceipt
    ? html`<p>${t('escrow.entry.caseOpened', { ref: view.caseRef })}</p><p class="receipt" data-case-receipt>${view.caseReceipt.split(' ').map((group) => html`<span>${group}</span> `)}</p>`
    : view.caseRef
      ? html`<p>${t('escrow.entry.reported', { ref: view.caseRef })}</p>`
      : null;
  return html`<section class="${view.matched ? 'receipt-box' : 'notice'}" aria-labelledby="status-h" data-match="${view.matched ? 'yes' : 'no'}">
  <h2 id="status-h">${view.matched ? t(threshold <= 2 ? 'escrow.entry.matched' : 'escrow.entry.matchedMany') : t('escrow.entry.waiting')}</h2>
  ${view.matched ? html`<p>${t('escrow.entry.matchedBody')}</p>` : null}
  ${opened}
</section>
${view.matched ? supportBox(page, supportResources, false) : null}`;
}

export function escrowEntryPage(page: PageContext, input: EntryPageInput): Html {
  const { t, lang } = page;
  const { view } = input;
  const errors = input.errors ?? {};
  const hidden = html`<input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="lang" value="${lang}">`;
  return layout(
    page,
    { title: t('escrow.entry.heading'), languageLink: (other) => link('/escrow/entry', other) },
    html`<h1>${t('escrow.entry.heading')}</h1>
${input.notice ? html`<p class="notice" role="status">${t(input.notice)}</p>` : null}
${errorSummary(page, errors)}
<p class="muted">${t('escrow.entry.lodged', { date: formatDate(view.lodgedAt, lang) })}</p>
${statusSection(page, view, input.supportResources, input.threshold)}
<section aria-labelledby="yours-h"><h2 id="yours-h">${t('escrow.entry.yours')}</h2>
<dl class="review">
  <div class="review-row"><dt>${t('escrow.entry.named')}</dt><dd>${view.identifiers.map((identifier) => html`<span class="answer">${t(`escrow.kind.${identifier.kind}` as MessageKey)}: ${identifier.value}</span><br>`)}</dd></div>
  <div class="review-row"><dt>${t('escrow.account.label')}</dt><dd><span class="answer">${view.account}</span></dd></div>
  ${view.contactEmail ? html`<div class="review-row"><dt>${t('escrow.contact.label')}</dt><dd><span class="answer">${view.contactEmail}</span></dd></div>` : null}
</dl></section>

<section class="question" aria-labelledby="consent-h"><h2 id="consent-h">${t('escrow.consent.heading')}</h2>
<form method="post" action="${link('/escrow/entry/consent', lang)}" class="consent-form">${hidden}
  <p class="check"><input type="checkbox" id="f-consent" name="consent" value="yes"${view.consentToCase ? html` checked` : ''} aria-describedby="f-consent-help"><label for="f-consent">${t('escrow.consent.label')}</label></p>
  <p class="help" id="f-consent-help">${t('escrow.consent.help')}</p>
  <p class="actions"><button type="submit" class="button secondary">${t('escrow.consent.save')}</button></p>
</form></section>

<section class="question" aria-labelledby="add-h"><h2 id="add-h">${t('escrow.add.heading')}</h2>
<form method="post" action="${link('/escrow/entry/identifiers', lang)}" class="add-form" novalidate>${hidden}
  ${identifierRow(page, 1, input.form ?? {}, errors, t('escrow.who.row', { n: view.identifiers.length + 1 }))}
  <p class="actions"><button type="submit" class="button secondary">${t('escrow.add.submit')}</button></p>
</form></section>

${view.caseRef
  ? null
  : html`<section class="question" aria-labelledby="report-h"><h2 id="report-h">${t('escrow.report.heading')}</h2>
<p class="help">${t('escrow.report.help')}</p>
<form method="post" action="${link('/escrow/entry/report', lang)}" class="report-entry-form">${hidden}
  ${radioGroup(page, {
    name: 'category',
    legend: t('q.category.label'),
    value: input.form?.category ?? 'other',
    options: REPORT_CATEGORIES.map((category) => ({ value: category, label: t(`category.${category}` as MessageKey) })),
  })}
  <p class="actions"><button type="submit" class="button">${t('escrow.report.submit')}</button></p>
</form></section>`}

<section class="question" aria-labelledby="withdraw-h"><h2 id="withdraw-h">${t('escrow.withdraw.heading')}</h2>
<p class="help">${t('escrow.withdraw.help')}</p>
<form method="post" action="${link('/escrow/entry/withdraw', lang)}" class="withdraw-form">${hidden}
  <div class="field${errors.confirm ? ' has-error' : ''}">
  ${errors.confirm ? html`<p class="error" id="f-confirm-error">${t(errors.confirm)}</p>` : null}
  <p class="check"><input type="checkbox" id="f-confirm" name="confirm" value="yes"${errors.confirm ? html` aria-invalid="true" aria-describedby="f-confirm-error"` : ''}><label for="f-confirm">${t('escrow.withdraw.confirm')}</label></p>
  </div>
  <p class="actions"><button type="submit" class="button secondary">${t('escrow.withdraw.submit')}</button></p>
</form></section>

<form method="post" action="${link('/escrow/entry/sign-out', lang)}" class="sign-out">${hidden}
  <button type="submit" class="button secondary">${t('case.signOut')}</button>
</form>`,
  );
}

export function escrowWithdrawnPage(page: PageContext): Html {
  const { t, lang } = page;
  return layout(
    page,
    { title: t('escrow.withdrawn.heading') },
    html`<h1>${t('escrow.withdrawn.heading')}</h1>
<p class="lead">${t('escrow.withdrawn.body')}</p>
<p class="actions"><a class="button secondary" href="${link('/', lang)}">${t('error.back')}</a></p>`,
  );
}
