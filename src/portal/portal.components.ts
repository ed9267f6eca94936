/** Accessible form pieces shared by the portal's pages: every input has a label, help and errors are tied to it. */
import { html, type Html } from '../kernel/http/html.js';
import type { MessageKey } from './i18n/index.js';
import type { FormErrors } from './portal.form.js';
import type { PageContext } from './portal.layout.js';

export interface FieldOptions {
  name: string;
  label: string;
  help?: string | null;
  value?: string;
  error?: MessageKey;
  multiline?: boolean;
  rows?: number;
  type?: 'text' | 'date' | 'email' | 'tel';
  required?: boolean;
  optional?: boolean;
  maxLength?: number;
  autocomplete?: string;
}

export function field(page: PageContext, options: FieldOptions): Html {
  const id = `f-${options.name}`;
  const describedBy = [options.help ? `${id}-help` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attributes = html`id="${id}" name="${options.name}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? html` aria-invalid="true"` : ''}${options.required ? html` required aria-required="true"` : ''}${options.maxLength ? html` maxlength="${options.maxLength}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}`;
  const marker = options.required ? html` <span class="muted">${page.t('form.required')}</span>` : options.optional ? html` <span class="muted">${page.t('form.optional')}</span>` : '';
  return html`<div class="field${options.error ? ' has-error' : ''}">
    <label for="${id}">${options.label}${marker}</label>
    ${options.help ? html`<p class="help" id="${id}-help">${options.help}</p>` : ''}
    ${options.error ? html`<p class="error" id="${id}-error">${page.t(options.error)}</p>` : ''}
    ${options.multiline
      ? html`<textarea ${attributes} rows="${options.rows ?? 5}"${options.name === 'narrative' ? html` data-count` : ''}>${options.value ?? ''}</textarea>`
      : html`<input type="${options.type ?? 'text'}" ${attributes} value="${options.value ?? ''}">`}
  </div>`;
}

export interface RadioGroupOptions {
  name: string;
  legend: string;
  help?: string | null;
  value?: string;
  error?: MessageKey;
  options: { value: string; label: string }[];
  after?: Html;
}

export function radioGroup(page: PageContext, options: RadioGroupOptions): Html {
  const id = `f-${options.name}`;
  const describedBy = [options.help ? `${id}-help` : '', options.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<fieldset class="radios${options.error ? ' has-error' : ''}" id="${id}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
    <legend>${options.legend} <span class="muted">${page.t('form.optional')}</span></legend>
    ${options.help ? html`<p class="help" id="${id}-help">${options.help}</p>` : ''}
    ${options.error ? html`<p class="error" id="${id}-error">${page.t(options.error)}</p>` : ''}
    ${options.options.map(
      (option) => html`<div class="radio"><input type="radio" id="${id}-${option.value}" name="${options.name}" value="${option.value}"${option.value === options.value ? html` checked` : ''}><label for="${id}-${option.value}">${option.label}</label></div>`,
    )}
    ${options.after ?? ''}
  </fieldset>`;
}

/** At the top of a form sent back for another look: what to fix, each a link to its field. */
export function errorSummary(page: PageContext, errors: FormErrors): Html | null {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-h">
    <h2 id="error-summary-h">${page.t('form.errors.heading')}</h2>
    <ul>${entries.map(([name, key]) => html`<li><a href="#f-${name}">${page.t(key)}</a></li>`)}</ul>
  </div>`;
}

/** The answers carried through the review page: plain hidden fields, nothing stored on the server. */
export function hiddenFields(form: Record<string, string>, names: string[]): Html {
  return html`${names.filter((name) => form[name] !== undefined).map((name) => html`<input type="hidden" name="${name}" value="${form[name]}">`)}`;
}

/** Where to get help. Shown prominently when the reporter says they are not safe. */
export function supportBox(page: PageContext, configured: string | null, urgent: boolean): Html {
  const { t } = page;
  return html`<section class="support${urgent ? ' urgent' : ''}" aria-labelledby="support-h${urgent ? '-urgent' : ''}"${urgent ? html` role="note"` : ''}>
    <h2 id="support-h${urgent ? '-urgent' : ''}">${t('landing.support.heading')}</h2>
    ${urgent ? html`<p><strong>${t('q.safety.unsafe')}</strong></p>` : ''}
    ${(configured ?? t('landing.support.default')).split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
  </section>`;
}
