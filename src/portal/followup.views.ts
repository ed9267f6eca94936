import { html, type Html } from '../kernel/http/html.js';
import type { MessageKey } from './i18n/index.js';
import { formatDate } from './report.views.js';
import { layout, link, type PageContext } from './portal.layout.js';

/** The texts of one receipt sign-in page: following up a report, or returning to an escrow entry. */
export interface ReceiptLoginTexts {
  path: string;
  heading: MessageKey;
  intro: MessageKey;
  submit: MessageKey;
}

export interface ReceiptLoginInput {
  csrf: string;
  error?: MessageKey | null;
  notice?: MessageKey | null;
}

/** Asks for a receipt: one form, with the error tied to its field for screen readers. */
export function receiptLoginPage(page: PageContext, texts: ReceiptLoginTexts, input: ReceiptLoginInput): Html {
  const { t, lang } = page;
  return layout(
    page,
    { title: t(texts.heading), languageLink: (other) => link(texts.path, other) },
    html`<h1>${t(texts.heading)}</h1>
${input.notice ? html`<p class="notice" role="status">${t(input.notice)}</p>` : null}
<p class="lead">${t(texts.intro)}</p>
<form method="post" action="${link(texts.path, lang)}" class="followup-form">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <input type="hidden" name="lang" value="${lang}">
  <div class="field${input.error ? ' has-error' : ''}">
    <label for="f-receipt">${t('followup.label')}</label>
    ${input.error ? html`<p class="error" id="f-receipt-error" role="alert">${t(input.error)}</p>` : null}
    <input type="text" id="f-receipt" name="receipt" inputmode="numeric" autocomplete="off" spellcheck="false" class="receipt-input"${input.error ? html` aria-invalid="true" aria-describedby="f-receipt-error"` : ''}>
  </div>
  <p class="actions"><button type="submit" class="button">${t(texts.submit)}</button></p>
</form>`,
  );
}

export function followupPage(page: PageContext, input: ReceiptLoginInput & { error?: 'followup.bad' | 'followup.throttled' | null }): Html {
  return receiptLoginPage(page, { path: '/followup', heading: 'followup.heading', intro: 'followup.intro', submit: 'followup.submit' }, input);
}

export interface CaseViewInput {
  caseRef: string;
  status: string;
  receivedAt: string;
  acknowledgeBy: string;
  acknowledgedAt: string | null;
  feedbackBy: string;
  feedbackAt: string | null;
  now: Date;
  messages: { from: 'reporter' | 'handler'; body: string; at: string }[];
  attachments: { filename: string; sizeBytes: number; at: string; metadataRemoved: string[] }[];
  appealUntil: string | null;
  escalated: boolean;
  fileMb: number;
  csrf: string;
  /** Whether this reporter may withdraw the report (the channel's or the installation's setting). */
  canWithdraw?: boolean;
  /** The withdrawal form came back without its confirmation. */
  withdrawUnconfirmed?: boolean;
  notice?: MessageKey | null;
  error?: string | null;
}

function milestone(page: PageContext, label: string, due: string, doneAt: string | null, now: Date): Html {
  const { t, lang } = page;
  let state: string;
  let text: string;
  if (doneAt) {
    state = doneAt <= due ? 'met' : 'late';
    text = t(doneAt <= due ? 'case.met' : 'case.late', { date: formatDate(doneAt, lang) });
  } else if (due < now.toISOString()) {
    state = 'overdue';
    text = t('case.overdue', { date: formatDate(due, lang) });
  } else {
    state = 'pending';
    text = `${t('case.pending')} · ${t('case.due', { date: formatDate(due, lang) })}`;
  }
  return html`<li class="milestone ${state}"><span class="milestone-label">${label}</span> <span class="milestone-state">${text}</span></li>`;
}

export function casePage(page: PageContext, input: CaseViewInput): Html {
  const { t, lang } = page;
  return layout(
    page,
    { title: t('case.heading'), languageLink: (other) => link('/my-report', other) },
    html`<h1>${t('case.heading')}</h1>
${input.notice ? html`<p class="notice" role="status">${t(input.notice)}</p>` : null}
${input.error ? html`<p class="error-summary" role="alert">${input.error}</p>` : null}
<p>${t('case.ref', { ref: input.caseRef })} · ${t('case.status', { status: t(`status.${input.status}` as MessageKey) })}</p>
<section aria-labelledby="timeline-h"><h2 id="timeline-h">${t('case.timeline')}</h2>
<ol class="timeline">
  <li class="milestone met"><span class="milestone-label">${t('case.received')}</span> <span class="milestone-state">${formatDate(input.receivedAt, lang)}</span></li>
  ${milestone(page, t('case.acknowledged'), input.acknowledgeBy, input.acknowledgedAt, input.now)}
  ${milestone(page, t('case.feedback'), input.feedbackBy, input.feedbackAt, input.now)}
</ol>
${input.escalated ? html`<p class="notice">${t('case.escalated')}</p>` : null}</section>
<section aria-labelledby="messages-h"><h2 id="messages-h">${t('case.messages')}</h2>
${input.messages.length === 0
  ? html`<p class="muted">${t('case.noMessages')}</p>`
  : html`<ol class="messages">${input.messages.map(
      (message) => html`<li class="message from-${message.from}"><p class="meta"><strong>${t(message.from === 'reporter' ? 'case.fromYou' : 'case.fromHandler')}</strong> · <time datetime="${message.at}">${formatDate(message.at, lang)}</time></p><p class="body">${message.body}</p></li>`,
    )}</ol>`}
</section>
${input.attachments.length > 0
  ? html`<section aria-labelledby="files-h"><h2 id="files-h">${t('case.attachments')}</h2><ul class="files">${input.attachments.map(
      (file) => html`<li>${file.filename} <span class="muted">(${Math.max(1, Math.round(file.sizeBytes / 1024))} KB, ${formatDate(file.at, lang)})</span></li>`,
    )}</ul></section>`
  : null}
<form method="post" action="${link('/my-report/messages', lang)}" enctype="multipart/form-data" class="reply-form">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <input type="hidden" name="lang" value="${lang}">
  <div class="field"><label for="f-body">${t('case.reply')}</label><p class="help" id="f-body-help">${t('case.reply.help', { fileMb: input.fileMb })}</p><textarea id="f-body" name="body" rows="6" maxlength="20000" aria-describedby="f-body-help"></textarea></div>
  <p class="check"><input type="checkbox" id="keep_original" name="keep_original" value="yes"><label for="keep_original">${t('review.evidence.keep')}</label></p>
  <div class="drop-zone" data-drop-zone>
    <label for="evidence">${t('review.evidence.input')}</label>
    <input type="file" id="evidence" name="evidence" multiple>
    <p class="drop-hint" hidden>${t('review.evidence.drop')}</p>
    <ul class="upload-list" aria-live="polite"></ul>
  </div>
  <p class="actions"><button type="submit" class="button" data-sending-label="${t('review.sending')}">${t('case.send')}</button></p>
  <div class="progress" hidden><progress max="100" value="0" aria-label="${t('review.sending')}"></progress></div>
</form>
${input.appealUntil && input.appealUntil >= input.now.toISOString()
  ? html`<section class="question" aria-labelledby="appeal-h"><h2 id="appeal-h">${t('case.appeal.heading')}</h2>
    <p>${t('case.appeal.body', { date: formatDate(input.appealUntil, lang) })}</p>
    <form method="post" action="${link('/my-report/appeal', lang)}">
      <input type="hidden" name="csrf" value="${input.csrf}">
      <input type="hidden" name="lang" value="${lang}">
      <div class="field"><label for="f-reason">${t('case.appeal.reason')}</label><textarea id="f-reason" name="reason" rows="4" maxlength="20000" required></textarea></div>
      <p class="actions"><button type="submit" class="button secondary">${t('case.appeal.submit')}</button></p>
    </form></section>`
  : null}
${input.canWithdraw
  ? html`<section class="question" aria-labelledby="withdraw-h"><h2 id="withdraw-h">${t('case.withdraw.heading')}</h2>
    <p>${t('case.withdraw.body')}</p>
    <form method="post" action="${link('/my-report/withdraw', lang)}">
      <input type="hidden" name="csrf" value="${input.csrf}">
      <input type="hidden" name="lang" value="${lang}">
      ${input.withdrawUnconfirmed ? html`<p class="error" id="f-withdraw-error" role="alert">${t('case.withdraw.unconfirmed')}</p>` : null}
      <p class="check"><input type="checkbox" id="f-withdraw" name="confirm" value="yes" required${input.withdrawUnconfirmed ? html` aria-invalid="true" aria-describedby="f-withdraw-error"` : ''}><label for="f-withdraw">${t('case.withdraw.confirm')}</label></p>
      <p class="actions"><button type="submit" class="button secondary">${t('case.withdraw.submit')}</button></p>
    </form></section>`
  : null}
<form method="post" action="${link('/my-report/sign-out', lang)}" class="sign-out">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <button type="submit" class="button secondary">${t('case.signOut')}</button>
</form>`,
  );
}
