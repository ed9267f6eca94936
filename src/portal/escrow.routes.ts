/**
 * The escrow pages of the portal, registered into the portal's context (its error pages, form
 * parsing and CSRF rules). Plain forms, no JavaScript needed; nothing is stored and no cookie is
 * set until the reporter holds an entry or signs in with its receipt.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EscrowUnavailable, escrowRuntime } from '../escrow/escrow.key.js';
import { AlreadyHeld, addIdentifiers, getEntry, lodgeEntry, reportEntry, setConsent, signInToEntry, signOutOfEntry, withdrawEntry } from '../escrow/escrow.service.js';
import { ESCROW_COOKIE, authenticateEscrow, startEscrowSession, type EscrowPrincipal } from '../escrow/escrow.session.js';
import { TooManyEntries, lodgingThrottleFor } from '../escrow/escrow.throttle.js';
import { phoneRegion } from '../escrow/identifier.rules.js';
import { startSession } from '../identity/session.service.js';
import { REPORT_CATEGORIES } from '../intake/intake.schema.js';
import type { AppContext } from '../kernel/context.js';
import { DomainError } from '../kernel/errors.js';
import { REPORTER_COOKIE, clearSessionCookie, setSessionCookie } from '../kernel/http/cookies.js';
import type { Html } from '../kernel/http/html.js';
import { receiptThrottleFor } from '../reporter/receipt.throttle.js';
import { chooseLanguage, type MessageKey, type PortalLanguage } from './i18n/index.js';
import { cleanEscrowForm, formToEntry, identifiersFromForm } from './escrow.form.js';
import { escrowEntryPage, escrowFormPage, escrowReceiptPage, escrowReturnPage, escrowWithdrawnPage } from './escrow.views.js';
import { formTokenIsValid, isCrossSite, issueFormToken, type FormPurpose } from './portal.csrf.js';
import { errorPage, pageContext, type PageContext } from './portal.layout.js';
import { readPortalTexts } from './portal.settings.js';
import { receiptPage } from './report.views.js';

class FormExpired extends DomainError {
  constructor() {
    super('form_expired', 'This form has expired or did not come from this site.', 403);
  }
}

const NOTICES: Record<string, MessageKey> = {
  consent: 'escrow.consent.saved',
  identifiers: 'escrow.add.saved',
};

function send(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

const fieldsOf = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

export async function registerEscrowPortal(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const page = (request: FastifyRequest, body?: Record<string, unknown>): PageContext => {
    const lang: PortalLanguage = chooseLanguage(body?.lang ?? (request.query as Record<string, unknown>).lang, request.headers['accept-language']);
    return pageContext(lang, ctx.config.portal.quickExitUrl);
  };
  const normalizeOptions = () => ({ phoneRegion: phoneRegion(ctx.config.escrow.phoneRegion) });
  const support = async (lang: PortalLanguage) => (await readPortalTexts(ctx, lang)).supportResources;
  // The threshold in force (fixed while entries are held); the configured one while escrow is unavailable.
  const threshold = () => escrowRuntime(ctx).then((runtime) => runtime.threshold, () => ctx.config.escrow.threshold);

  async function requireFormToken(request: FastifyRequest, token: unknown, purpose: FormPurpose, binding = '') {
    if (isCrossSite(request) || !(await formTokenIsValid(ctx, token, purpose, binding))) throw new FormExpired();
  }

  /** Escrow's own refusals, said in the reporter's language. */
  function refusal(current: PageContext, error: unknown): { message: string; status: number } | null {
    if (error instanceof EscrowUnavailable) return { message: current.t('escrow.error.unavailable'), status: 503 };
    if (error instanceof TooManyEntries) return { message: current.t('escrow.error.tooMany'), status: 429 };
    if (error instanceof AlreadyHeld) return { message: current.t('escrow.error.alreadyHeld'), status: 409 };
    if (error instanceof DomainError && error.code === 'already_reported') return { message: current.t('escrow.error.alreadyReported'), status: 409 };
    return null;
  }

  async function renderForm(reply: FastifyReply, current: PageContext, form: Record<string, string>, errors: Record<string, MessageKey>) {
    const submission = randomUUID();
    const csrf = await issueFormToken(ctx, 'escrow', submission);
    return send(reply, escrowFormPage(current, { form, errors, csrf, submission, supportResources: await support(current.lang), threshold: await threshold() }), Object.keys(errors).length > 0 ? 400 : 200);
  }

  app.get('/escrow', (request, reply) => renderForm(reply, page(request), {}, {}));

  app.post('/escrow', async (request, reply) => {
    const body = fieldsOf(request);
    const submission = typeof body.submission === 'string' && /^[0-9a-f-]{36}$/.test(body.submission) ? body.submission : '';
    await requireFormToken(request, body.csrf, 'escrow', submission);
    const current = page(request, body);
    const form = cleanEscrowForm(body);
    const { entry, errors } = formToEntry(form, normalizeOptions());
    if (!entry) return renderForm(reply, current, form, errors);
    const limiter = lodgingThrottleFor(ctx);
    try {
      const lodged = await lodgeEntry(ctx, entry, { throttle: { limiter, key: limiter.keyFor(request.ip) }, entryId: submission });
      // As after sending a report: the one moment a session starts without the receipt typed in.
      setSessionCookie(reply, ctx, ESCROW_COOKIE, await startEscrowSession(ctx, ctx.db, lodged.entryId, lodged.entryKey));
      return send(reply, escrowReceiptPage(current, { receipt: lodged.receipt }), 201);
    } catch (error) {
      const refused = refusal(current, error);
      if (!refused) throw error;
      return send(reply, errorPage(current, refused.message), refused.status);
    }
  });

  app.get('/escrow/return', async (request, reply) => {
    const notice = (request.query as Record<string, unknown>).signed_out === '1' ? ('case.signedOut' as const) : null;
    return send(reply, escrowReturnPage(page(request), { csrf: await issueFormToken(ctx, 'escrow-return'), notice }));
  });

  app.post('/escrow/return', async (request, reply) => {
    const body = fieldsOf(request);
    await requireFormToken(request, body.csrf, 'escrow-return');
    const current = page(request, body);
    // The same limiter as the report follow-up: guesses on either form count together.
    const limiter = receiptThrottleFor(ctx);
    try {
      const session = await signInToEntry(ctx, typeof body.receipt === 'string' ? body.receipt : '', { limiter, key: limiter.keyFor(request.ip) });
      setSessionCookie(reply, ctx, ESCROW_COOKIE, session);
      return reply.redirect(`/escrow/entry?lang=${current.lang}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'bad_receipt' && error.code !== 'too_many_attempts')) throw error;
      const csrf = await issueFormToken(ctx, 'escrow-return');
      return send(reply, escrowReturnPage(current, { csrf, error: error.code === 'bad_receipt' ? 'escrow.return.bad' : 'followup.throttled' }), error.status);
    }
  });

  async function signedIn(request: FastifyRequest, reply: FastifyReply, lang: PortalLanguage): Promise<EscrowPrincipal | null> {
    try {
      return await authenticateEscrow(ctx, request.cookies[ESCROW_COOKIE]);
    } catch (error) {
      if (error instanceof DomainError && error.status === 401) {
        await reply.redirect(`/escrow/return?lang=${lang}`, 303);
        return null;
      }
      throw error;
    }
  }

  async function renderEntry(reply: FastifyReply, current: PageContext, principal: EscrowPrincipal, extra: { notice?: MessageKey | null; form?: Record<string, string>; errors?: Record<string, MessageKey> } = {}) {
    let view;
    try {
      view = await getEntry(ctx, principal);
    } catch (error) {
      // Withdrawn in another tab: the session outlived its entry.
      if (error instanceof DomainError && error.code === 'entry_withdrawn') return send(reply, escrowWithdrawnPage(current), 410);
      throw error;
    }
    const csrf = await issueFormToken(ctx, 'escrow-entry', principal.sessionId);
    const status = extra.errors && Object.keys(extra.errors).length > 0 ? 400 : 200;
    return send(reply, escrowEntryPage(current, { view, csrf, supportResources: await support(current.lang), threshold: await threshold(), ...extra }), status);
  }

  app.get('/escrow/entry', async (request, reply) => {
    const current = page(request);
    const principal = await signedIn(request, reply, current.lang);
    if (!principal) return reply;
    const saved = (request.query as Record<string, unknown>).saved;
    return renderEntry(reply, current, principal, { notice: typeof saved === 'string' ? (NOTICES[saved] ?? null) : null });
  });

  /** A signed-in form post: the session, a token bound to it, then the action. */
  function entryAction(path: string, action: (input: { request: FastifyRequest; reply: FastifyReply; current: PageContext; principal: EscrowPrincipal; body: Record<string, unknown> }) => Promise<unknown>) {
    app.post(`/escrow/entry/${path}`, async (request, reply) => {
      const body = fieldsOf(request);
      const current = page(request, body);
      const principal = await signedIn(request, reply, current.lang);
      if (!principal) return reply;
      await requireFormToken(request, body.csrf, 'escrow-entry', principal.sessionId);
      return action({ request, reply, current, principal, body });
    });
  }

  entryAction('consent', async ({ reply, current, principal, body }) => {
    await setConsent(ctx, principal, body.consent === 'yes');
    return reply.redirect(`/escrow/entry?lang=${current.lang}&saved=consent`, 303);
  });

  entryAction('identifiers', async ({ reply, current, principal, body }) => {
    const form = cleanEscrowForm(body, 1);
    const { identifiers, errors } = identifiersFromForm(form, 1, normalizeOptions());
    if (Object.keys(errors).length > 0) return renderEntry(reply, current, principal, { form, errors });
    try {
      await addIdentifiers(ctx, principal, identifiers);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_request') return renderEntry(reply, current, principal, { form, errors: { identifier_value_1: 'escrow.err.tooMany' } });
      const refused = refusal(current, error);
      if (!refused) throw error;
      return send(reply, errorPage(current, refused.message), refused.status);
    }
    return reply.redirect(`/escrow/entry?lang=${current.lang}&saved=identifiers`, 303);
  });

  entryAction('report', async ({ reply, current, principal, body }) => {
    const category = REPORT_CATEGORIES.find((candidate) => candidate === body.category) ?? 'other';
    let result: Awaited<ReturnType<typeof reportEntry>>;
    try {
      result = await reportEntry(ctx, principal, category);
    } catch (error) {
      const refused = refusal(current, error);
      if (!refused) throw error;
      return send(reply, errorPage(current, refused.message), refused.status);
    }
    // Straight on to the new report, as after sending one from the form.
    setSessionCookie(reply, ctx, REPORTER_COOKIE, await startSession(ctx, ctx.db, 'reporter', result.caseId, result.caseKey));
    return send(
      reply,
      receiptPage(current, {
        receipt: result.receipt,
        caseRef: result.caseRef,
        acknowledgeBy: result.acknowledgeBy,
        feedbackBy: result.feedbackBy,
        removed: [],
        safeNow: null,
        supportResources: await support(current.lang),
      }),
      201,
    );
  });

  entryAction('withdraw', async ({ reply, current, principal, body }) => {
    if (body.confirm !== 'yes') return renderEntry(reply, current, principal, { errors: { confirm: 'escrow.withdraw.needConfirm' } });
    await withdrawEntry(ctx, principal);
    clearSessionCookie(reply, ESCROW_COOKIE);
    return send(reply, escrowWithdrawnPage(current));
  });

  entryAction('sign-out', async ({ request, reply, current }) => {
    await signOutOfEntry(ctx, request.cookies[ESCROW_COOKIE]);
    clearSessionCookie(reply, ESCROW_COOKIE);
    return reply.redirect(`/escrow/return?lang=${current.lang}&signed_out=1`, 303);
  });
}
