/** Server-rendered pages of the first-run wizard and of staff enrolment: plain forms, no JavaScript. */
import { html, type Html } from '../kernel/http/html.js';
import { assetUrl } from '../portal/portal.assets.js';
import { setupAssetUrl } from './setup.assets.js';

export type FormErrors = Record<string, string>;

const STEPS = ['Your account', 'The first channel', 'Handlers and oversight'] as const;

export function setupLayout(title: string, body: Html, step?: 1 | 2 | 3): Html {
  const progress = step
    ? html`<ol class="progress" aria-label="Set-up steps">${STEPS.map((label, index) =>
        index + 1 === step ? html`<li aria-current="step">${index + 1}. ${label}</li>` : html`<li>${index + 1}. ${label}</li>`,
      )}</ol>`
    : null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title} · Candor</title>
<link rel="stylesheet" href="${assetUrl('portal.css')}">
<link rel="stylesheet" href="${setupAssetUrl()}">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top"><div class="top-inner"><span class="brand">Candor</span></div></header>
<main id="main" tabindex="-1">
${progress}
${body}
</main>
</body>
</html>`;
}

export function messagePage(title: string, message: string, link?: { href: string; label: string }): Html {
  return setupLayout(title, html`<h1>${title}</h1><p class="notice">${message}</p>${link ? html`<p><a class="button secondary" href="${link.href}">${link.label}</a></p>` : ''}`);
}

interface FieldOptions {
  name: string;
  label: string;
  value?: string;
  help?: string;
  errors: FormErrors;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  required?: boolean;
  multiline?: boolean;
}

function field(options: FieldOptions): Html {
  const id = `f-${options.name}`;
  const error = options.errors[options.name];
  const describedBy = [options.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${options.name}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? html` aria-invalid="true"` : ''}${options.required ? html` required` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}`;
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${id}">${options.label}${options.required ? '' : html` <span class="muted">(optional)</span>`}</label>
    ${options.help ? html`<p class="help" id="${id}-help">${options.help}</p>` : ''}
    ${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}
    ${options.multiline
      ? html`<textarea ${common} rows="4" maxlength="2000">${options.value ?? ''}</textarea>`
      : html`<input type="${options.type ?? 'text'}" ${common}${options.type === 'password' ? '' : html` value="${options.value ?? ''}"`} maxlength="${options.type === 'password' ? 1024 : 320}">`}
  </div>`;
}

function errorSummary(errors: FormErrors): Html | null {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-h">
    <h2 id="error-summary-h">Please check these</h2>
    <ul>${entries.map(([name, message]) => (name === '_' ? html`<li>${message}</li>` : html`<li><a href="#f-${name}">${message}</a></li>`))}</ul>
  </div>`;
}

const PASSWORD_HELP = 'At least 12 characters. A few unrelated words are easier to remember than a short jumble.';

function passwordFields(errors: FormErrors): Html {
  return html`${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', help: PASSWORD_HELP, errors, required: true })}
    ${field({ name: 'password2', label: 'The same password again', type: 'password', autocomplete: 'new-password', errors, required: true })}`;
}

export function firstAdminPage(options: { action: string; csrf: string; values: Record<string, string>; errors: FormErrors }): Html {
  const { values, errors } = options;
  return setupLayout(
    'Set up Candor',
    html`<h1>Set up Candor</h1>
    <p class="lead">This link works once. Start by creating the administrator account.</p>
    <p>An administrator manages the platform and the people who use it. An administrator cannot read reports: only the handlers of a channel and the oversight body can.</p>
    ${errorSummary(errors)}
    <form method="post" action="${options.action}" novalidate>
      <input type="hidden" name="csrf" value="${options.csrf}">
      ${field({ name: 'name', label: 'Your name', value: values.name, autocomplete: 'name', errors, required: true })}
      ${field({ name: 'email', label: 'Your e-mail address', type: 'email', value: values.email, autocomplete: 'username', help: 'You sign in with it.', errors, required: true })}
      ${passwordFields(errors)}
      <div class="actions"><button class="button" type="submit">Create the admin account</button></div>
    </form>`,
    1,
  );
}

export function recoveryKeyPage(options: { recoveryKey: string; next: { href: string; label: string }; step?: 1 }): Html {
  return setupLayout(
    'Your recovery key',
    html`<h1>Your recovery key</h1>
    <p class="lead">Your account is ready. Write this recovery key down now and keep it somewhere safe, away from this computer.</p>
    <div class="receipt-box"><p class="key">${options.recoveryKey}</p></div>
    <p class="warning"><strong>It is shown only once.</strong> If you forget your password, the recovery key is the only way back into your account: Candor cannot reset it for you, because your password and this key are what protect the keys to reports.</p>
    <p><a class="button" href="${options.next.href}">${options.next.label}</a></p>`,
    options.step,
  );
}

export function channelPage(options: { csrf: string; values: Record<string, string>; errors: FormErrors }): Html {
  const { values, errors } = options;
  return setupLayout(
    'The first channel',
    html`<h1>The first reporting channel</h1>
    <p class="lead">A channel is where reports arrive, with its own handlers. Candor starts with one; give it a name and a description people will recognise.</p>
    ${errorSummary(errors)}
    <form method="post" action="/setup/channel" novalidate>
      <input type="hidden" name="csrf" value="${options.csrf}">
      ${field({ name: 'name', label: 'Name of the channel', value: values.name, help: 'For example "Speak up" or "Harassment and misconduct".', errors, required: true })}
      ${field({ name: 'description', label: 'What it is for', value: values.description, help: 'Shown to people on the page where they start a report.', multiline: true, errors })}
      <div class="actions"><button class="button" type="submit">Save and continue</button></div>
    </form>`,
    2,
  );
}

export const HANDLER_ROWS = 3;
export const OVERSIGHT_ROWS = 2;

function personRows(kind: 'handler' | 'oversight', count: number, values: Record<string, string>, errors: FormErrors): Html {
  return html`${Array.from({ length: count }, (_, index) => {
    const legend = kind === 'handler' ? `Handler ${index + 1}` : `Oversight member ${index + 1}`;
    return html`<fieldset class="row"><legend>${legend}</legend>
      ${field({ name: `${kind}_name_${index}`, label: 'Name', value: values[`${kind}_name_${index}`], errors })}
      ${field({ name: `${kind}_email_${index}`, label: 'E-mail address', type: 'email', value: values[`${kind}_email_${index}`], errors })}
    </fieldset>`;
  })}`;
}

export function peoplePage(options: { csrf: string; channelName: string; values: Record<string, string>; errors: FormErrors }): Html {
  const { values, errors } = options;
  return setupLayout(
    'Handlers and oversight',
    html`<h1>Handlers and oversight</h1>
    <p class="lead">Name the people who will read reports. Each gets a one-time link to choose their own password; nobody, not even you, learns it.</p>
    ${errorSummary(errors)}
    <form method="post" action="/setup/people" novalidate>
      <input type="hidden" name="csrf" value="${options.csrf}">
      <h2>Handlers of "${options.channelName}"</h2>
      <p class="help">Handlers receive this channel's reports, talk with the people who made them, and investigate.</p>
      ${personRows('handler', HANDLER_ROWS, values, errors)}
      <h2>Oversight</h2>
      <p class="help">An independent body, such as an audit committee or an ombudsperson. A case climbs to them when a handler misses a deadline, and they receive reports directly when no handler can.</p>
      ${personRows('oversight', OVERSIGHT_ROWS, values, errors)}
      <div class="actions"><button class="button" type="submit">Invite these people</button><a class="button secondary" href="/setup/done">Skip for now</a></div>
    </form>`,
    3,
  );
}

export interface InvitedPerson {
  name: string;
  email: string;
  role: string;
  url: string;
}

export function invitedPage(people: readonly InvitedPerson[], expiresAt: string): Html {
  return setupLayout(
    'Links to pass on',
    html`<h1>Links to pass on</h1>
    <p class="lead">Give each person their own link, privately: in person, or in a message only they can read.</p>
    <p class="warning">These links are shown only here, once. Each works one time, until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC. Whoever opens a link chooses the password for that account.</p>
    <table class="people">
      <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Enrolment link</th></tr></thead>
      <tbody>${people.map((person) => html`<tr><td>${person.name}<br><span class="muted small">${person.email}</span></td><td>${person.role}</td><td><code class="link">${person.url}</code></td></tr>`)}</tbody>
    </table>
    <div class="actions"><a class="button" href="/setup/done">Finish</a><a class="button secondary" href="/setup/people">Invite more people</a></div>`,
    3,
  );
}

export function donePage(options: { channelName: string; accounts: number; invited: number }): Html {
  return setupLayout(
    'Candor is set up',
    html`<h1>Candor is set up</h1>
    <ul>
      <li>Channel: ${options.channelName}</li>
      <li>Accounts: ${options.accounts}; waiting for their owner to enrol: ${options.invited}</li>
    </ul>
    <p>Reports are accepted once at least one handler or oversight member has chosen their password: until then, nobody could read them, so Candor refuses them.</p>
    <p>Next, in the staff console: turn on the second factor for your account, and decide whether every staff member must use one.</p>
    <div class="actions"><a class="button" href="/console">Open the staff console</a><a class="button secondary" href="/">See the reporting page</a></div>`,
  );
}

export function enrolPage(options: { action: string; csrf: string; name: string; email: string; role: string; errors: FormErrors }): Html {
  return setupLayout(
    'Choose your password',
    html`<h1>Welcome to Candor, ${options.name}</h1>
    <p class="lead">You have been invited as <strong>${options.role}</strong>. Choose your password to finish your account.</p>
    <p>You will sign in as <strong>${options.email}</strong>. Your password protects the keys that open the reports you will receive, so choose one you use nowhere else.</p>
    ${errorSummary(options.errors)}
    <form method="post" action="${options.action}" novalidate>
      <input type="hidden" name="csrf" value="${options.csrf}">
      <input type="hidden" name="username" value="${options.email}" autocomplete="username">
      ${passwordFields(options.errors)}
      <div class="actions"><button class="button" type="submit">Create my account</button></div>
    </form>`,
  );
}
