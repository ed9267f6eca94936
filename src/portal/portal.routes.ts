/**
 * The reporter portal: server-rendered pages that work with JavaScript off. Nothing is stored and
 * no cookie is set until the reporter sends a report or signs in with a receipt.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { caseAttachmentBytes, discardAttachments, listCaseAttachments, recordAttachments } from '../attachments/attachment.service.js';
import { appealAsReporter } from '../cases/lifecycle.service.js';
import { reporterMayWithdraw, withdrawAsReporter } from '../records/retention.service.js';
import { findChannelBySlug, listChannels } from '../channels/channel.repository.js';
import { SubmitReportBody } from '../intake/intake.schema.js';
import { prepareCase, submitReport } from '../intake/intake.service.js';
import { startSession } from '../identity/session.service.js';
import type { AppContext } from '../kernel/context.js';
import { DomainError } from '../kernel/errors.js';
import { REPORTER_COOKIE, clearSessionCookie, setSessionCookie } from '../kernel/http/cookies.js';
import type { Html } from '../kernel/http/html.js';
import { currentQuestionnaire, questionnaireVersion } from '../questionnaires/questionnaire.service.js';
import { receiptThrottleFor } from '../reporter/receipt.throttle.js';
import { authenticateReporter, endReporterSession, getReporterCase, postReporterMessage, startReporterSession } from '../reporter/reporter.service.js';
import { chooseLanguage, localized, type PortalLanguage } from './i18n/index.js';
import { casePage, followupPage } from './followup.views.js';
import { findAsset } from './portal.assets.js';
import { formTokenIsValid, isCrossSite, issueFormToken } from './portal.csrf.js';
import { cleanForm, formFieldNames, formToReport, rowsIn, type ReportForm } from './portal.form.js';
import { errorPage, pageContext, type PageContext } from './portal.layout.js';
import { readPortalTexts } from './portal.settings.js';
import { registerEscrowPortal } from './escrow.routes.js';
import { readMultipartForm } from './portal.uploads.js';
import { landingPage, receiptPage, reportFormPage, reviewPage, type ChannelView } from './report.views.js';

const MB = 1024 * 1024;

/** The same reviewed form sent twice (a reload of the receipt page): the report exists already. */
class AlreadySent extends Error {}

class FormExpired extends DomainError {
  constructor() {
    super('form_expired', 'This form has expired or did not come from this site.', 403);
  }
}

function send(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

function languageOf(request: FastifyRequest, body?: Record<string, unknown>): PortalLanguage {
  const query = request.query as Record<string, unknown>;
  return chooseLanguage(body?.lang ?? query.lang, request.headers['accept-language']);
}

export async function registerPortal(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const page = (request: FastifyRequest, body?: Record<string, unknown>): PageContext => pageContext(languageOf(request, body), ctx.config.portal.quickExitUrl);

  async function channelView(slug: string, lang: PortalLanguage): Promise<(ChannelView & { id: string }) | null> {
    const channel = await findChannelBySlug(ctx.db, slug);
    if (!channel) return null;
    return { id: channel.id, slug: channel.slug, name: channel.name, description: localized(channel.description ? JSON.parse(channel.description) : null, lang) };
  }

  async function requireFormToken(request: FastifyRequest, token: unknown, purpose: 'report' | 'followup' | 'case', sessionId = '') {
    if (isCrossSite(request) || !(await formTokenIsValid(ctx, token, purpose, sessionId))) throw new FormExpired();
  }

  // Portal pages answer errors as pages, never as JSON or a stack trace.
  app.setErrorHandler(async (error: Error, request, reply) => {
    const current = page(request, (request.body ?? undefined) as Record<string, unknown> | undefined);
    const { t } = current;
    if (error instanceof DomainError) {
      const message =
        error.code === 'form_expired' ? t('error.form')
        : error.code === 'no_recipients' ? t('error.noRecipients')
        : error.code === 'attachment_too_large' ? t('error.tooLarge', { fileMb: Math.round(ctx.config.attachments.maxFileBytes / MB), caseMb: Math.round(ctx.config.attachments.maxCaseBytes / MB) })
        : error.message;
      return send(reply, errorPage(current, message), error.status);
    }
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, errorPage(current, t('error.tooLarge', { fileMb: Math.round(ctx.config.attachments.maxFileBytes / MB), caseMb: Math.round(ctx.config.attachments.maxCaseBytes / MB) })), 413);
    }
    request.log.error({ errType: error.name, errCode: code, stack: error.stack?.split('\n').slice(0, 8).join('\n') }, 'portal request failed');
    return send(reply, errorPage(current, t('error.generic')), 500);
  });

  await registerEscrowPortal(app, ctx);

  app.get('/assets/:name', async (request, reply) => {
    const asset = findAsset((request.params as { name: string }).name);
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.type).send(asset.body);
  });

  const landing = async (request: FastifyRequest, reply: FastifyReply, slug: string) => {
    const current = page(request);
    const channels = (await listChannels(ctx.db)).map((row) => ({ slug: row.slug, name: row.name, description: localized(row.description ? JSON.parse(row.description) : null, current.lang) }));
    const channel = channels.find((row) => row.slug === slug);
    if (!channel) return send(reply, errorPage(current, current.t('error.notFound')), 404);
    const texts = await readPortalTexts(ctx, current.lang);
    return send(reply, landingPage(current, channel, channels, texts));
  };
  app.get('/', (request, reply) => landing(request, reply, 'general'));
  app.get('/c/:slug', (request, reply) => landing(request, reply, (request.params as { slug: string }).slug));

  async function renderForm(request: FastifyRequest, reply: FastifyReply, slug: string, form: ReportForm, errors: Record<string, never> | ReturnType<typeof formToReport>['errors'], body?: Record<string, unknown>) {
    const current = page(request, body);
    const channel = await channelView(slug, current.lang);
    if (!channel) return send(reply, errorPage(current, current.t('error.notFound')), 404);
    const questionnaire = await currentQuestionnaire(ctx.db, channel.id);
    const texts = await readPortalTexts(ctx, current.lang);
    const status = Object.keys(errors).length > 0 ? 400 : 200;
    return send(
      reply,
      reportFormPage(current, { channel, version: questionnaire.version, definition: questionnaire.definition, form, errors, csrf: await issueFormToken(ctx, 'report'), supportResources: texts.supportResources }),
      status,
    );
  }

  app.get('/c/:slug/report', (request, reply) => renderForm(request, reply, (request.params as { slug: string }).slug, {}, {}));

  /** The questionnaire version the form was shown under (it travels in the form, so a change in between never garbles answers). */
  async function questionnaireFor(channelId: string, raw: unknown) {
    const version = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : undefined;
    return (version !== undefined ? await questionnaireVersion(ctx.db, channelId, version) : null) ?? (await currentQuestionnaire(ctx.db, channelId));
  }

  app.post('/c/:slug/review', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    await requireFormToken(request, body.csrf, 'report');
    const current = page(request, body);
    const slug = (request.params as { slug: string }).slug;
    const channel = await channelView(slug, current.lang);
    if (!channel) return send(reply, errorPage(current, current.t('error.notFound')), 404);
    const questionnaire = await questionnaireFor(channel.id, body.questionnaire_version);
    const form = cleanForm(body, questionnaire.definition);
    const outcome = formToReport(form, slug, questionnaire.version, questionnaire.definition);
    if (!outcome.report) return renderForm(request, reply, slug, form, outcome.errors, body);
    const texts = await readPortalTexts(ctx, current.lang);
    const submission = randomUUID();
    return send(
      reply,
      reviewPage(current, {
        channel,
        version: questionnaire.version,
        definition: questionnaire.definition,
        form,
        errors: {},
        submission,
        csrf: await issueFormToken(ctx, 'report', submission),
        supportResources: texts.supportResources,
        fileMb: Math.round(ctx.config.attachments.maxFileBytes / MB),
        caseMb: Math.round(ctx.config.attachments.maxCaseBytes / MB),
        fieldNames: formFieldNames(questionnaire.definition, rowsIn(form)),
      }),
    );
  });

  app.post('/c/:slug/edit', async (request, reply) => {
    const { fields } = await readMultipartForm(ctx, request, async () => null);
    await requireFormToken(request, fields.csrf, 'report');
    const slug = (request.params as { slug: string }).slug;
    const channel = await findChannelBySlug(ctx.db, slug);
    const questionnaire = channel ? await questionnaireFor(channel.id, fields.questionnaire_version) : null;
    return renderForm(request, reply, slug, questionnaire ? cleanForm(fields, questionnaire.definition) : {}, {}, fields);
  });

  app.post('/c/:slug/send', async (request, reply) => {
    const slug = (request.params as { slug: string }).slug;
    const channel = await findChannelBySlug(ctx.db, slug);
    const prepared = prepareCase();
    const { fields, files } = await readMultipartForm(ctx, request, async (early) => {
      await requireFormToken(request, early.csrf, 'report', early.submission ?? '');
      return { ...prepared, remainingCaseBytes: ctx.config.attachments.maxCaseBytes };
    });
    try {
      await requireFormToken(request, fields.csrf, 'report', fields.submission ?? '');
      const submission = fields.submission ?? '';
      const current = page(request, fields);
      if (!channel) return send(reply, errorPage(current, current.t('error.notFound')), 404);
      const questionnaire = await questionnaireFor(channel.id, fields.questionnaire_version);
      const form = cleanForm(fields, questionnaire.definition);
      const outcome = formToReport(form, slug, questionnaire.version, questionnaire.definition);
      if (!outcome.report) {
        await discardAttachments(ctx, files);
        return renderForm(request, reply, slug, form, outcome.errors, fields);
      }
      const report = SubmitReportBody.parse(outcome.report);
      let result: Awaited<ReturnType<typeof submitReport>>;
      try {
        result = await submitReport(ctx, report, {
          prepared,
          alsoInTransaction: async (tx) => {
            if (await tx.selectFrom('portal_submissions').select('id').where('id', '=', submission).executeTakeFirst()) throw new AlreadySent();
            await tx.insertInto('portal_submissions').values({ id: submission, created_at: ctx.clock.now().toISOString() }).execute();
            await recordAttachments(tx, ctx, { caseId: prepared.caseId, uploadedBy: { type: 'reporter' }, attachments: files });
          },
        });
      } catch (error) {
        if (!(error instanceof AlreadySent)) throw error;
        await discardAttachments(ctx, files);
        return send(reply, followupPage(current, { csrf: await issueFormToken(ctx, 'followup'), notice: 'receipt.alreadySent' }), 409);
      }
      // The reporter may go straight on to their report: the one moment a cookie is set without a receipt typed in.
      const session = await startSession(ctx, ctx.db, 'reporter', prepared.caseId, prepared.caseKey);
      setSessionCookie(reply, ctx, REPORTER_COOKIE, session);
      const texts = await readPortalTexts(ctx, current.lang);
      return send(
        reply,
        receiptPage(current, {
          receipt: result.receipt,
          caseRef: result.caseRef,
          acknowledgeBy: result.acknowledgeBy,
          feedbackBy: result.feedbackBy,
          removed: files.filter((file) => file.removedMetadata.length > 0).map((file) => ({ filename: file.filename, items: file.removedMetadata })),
          safeNow: report.safeNow ?? null,
          supportResources: texts.supportResources,
        }),
        201,
      );
    } catch (error) {
      await discardAttachments(ctx, files);
      throw error;
    }
  });

  app.get('/followup', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const notice = query.signed_out === '1' ? ('case.signedOut' as const) : query.withdrawn === 'done' ? ('withdraw.done' as const) : query.withdrawn === 'held' ? ('withdraw.held' as const) : null;
    return send(reply, followupPage(page(request), { csrf: await issueFormToken(ctx, 'followup'), notice }));
  });

  app.post('/followup', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    await requireFormToken(request, body.csrf, 'followup');
    const current = page(request, body);
    const limiter = receiptThrottleFor(ctx);
    try {
      const session = await startReporterSession(ctx, typeof body.receipt === 'string' ? body.receipt : '', { limiter, key: limiter.keyFor(request.ip) });
      setSessionCookie(reply, ctx, REPORTER_COOKIE, session);
      return reply.redirect(`/my-report?lang=${current.lang}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'bad_receipt' && error.code !== 'too_many_attempts')) throw error;
      const csrf = await issueFormToken(ctx, 'followup');
      return send(reply, followupPage(current, { csrf, error: error.code === 'bad_receipt' ? 'followup.bad' : 'followup.throttled' }), error.status);
    }
  });

  async function reporterOrRedirect(request: FastifyRequest, reply: FastifyReply, lang: PortalLanguage) {
    try {
      return await authenticateReporter(ctx, request.cookies[REPORTER_COOKIE]);
    } catch (error) {
      if (error instanceof DomainError && error.status === 401) {
        await reply.redirect(`/followup?lang=${lang}`, 303);
        return null;
      }
      throw error;
    }
  }

  app.get('/my-report', async (request, reply) => {
    const current = page(request);
    const principal = await reporterOrRedirect(request, reply, current.lang);
    if (!principal) return reply;
    const view = await getReporterCase(ctx, principal);
    const attachments = await listCaseAttachments(ctx.db, principal.caseId, principal.caseKey);
    const query = request.query as Record<string, unknown>;
    return send(
      reply,
      casePage(current, {
        ...view,
        receivedAt: view.receivedAt,
        feedbackAt: view.feedbackAt,
        now: ctx.clock.now(),
        attachments: attachments.filter((file) => file.uploadedBy === 'reporter'),
        fileMb: Math.round(ctx.config.attachments.maxFileBytes / MB),
        csrf: await issueFormToken(ctx, 'case', principal.sessionId),
        notice: query.sent === '1' ? 'case.sent' : query.appealed === '1' ? 'case.appeal.sent' : null,
        canWithdraw: await reporterMayWithdraw(ctx, principal.caseId),
        withdrawUnconfirmed: query.withdraw === 'unconfirmed',
      }),
    );
  });

  app.post('/my-report/messages', async (request, reply) => {
    const current = page(request);
    const principal = await reporterOrRedirect(request, reply, current.lang);
    if (!principal) return reply;
    const used = await caseAttachmentBytes(ctx.db, principal.caseId);
    const { fields, files } = await readMultipartForm(ctx, request, async (early) => {
      await requireFormToken(request, early.csrf, 'case', principal.sessionId);
      return { caseId: principal.caseId, caseKey: principal.caseKey, remainingCaseBytes: ctx.config.attachments.maxCaseBytes - used };
    });
    try {
      await requireFormToken(request, fields.csrf, 'case', principal.sessionId);
      const text = (fields.body ?? '').trim();
      if (text === '' && files.length === 0) return reply.redirect(`/my-report?lang=${current.lang}`, 303);
      const body = text === '' ? '(files added)' : text.slice(0, 20_000);
      await postReporterMessage(ctx, principal, body, (tx, messageId) =>
        recordAttachments(tx, ctx, { caseId: principal.caseId, uploadedBy: { type: 'reporter' }, attachments: files, messageId }),
      );
      return reply.redirect(`/my-report?lang=${current.lang}&sent=1`, 303);
    } catch (error) {
      await discardAttachments(ctx, files);
      throw error;
    }
  });

  app.post('/my-report/appeal', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = page(request, body);
    const principal = await reporterOrRedirect(request, reply, current.lang);
    if (!principal) return reply;
    await requireFormToken(request, body.csrf, 'case', principal.sessionId);
    const reason = typeof body.reason === 'string' ? body.reason.trim().slice(0, 20_000) : '';
    if (reason === '') return reply.redirect(`/my-report?lang=${current.lang}`, 303);
    await appealAsReporter(ctx, principal, reason);
    return reply.redirect(`/my-report?lang=${current.lang}&appealed=1`, 303);
  });

  app.post('/my-report/withdraw', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = page(request, body);
    const principal = await reporterOrRedirect(request, reply, current.lang);
    if (!principal) return reply;
    await requireFormToken(request, body.csrf, 'case', principal.sessionId);
    if (body.confirm !== 'yes') return reply.redirect(`/my-report?lang=${current.lang}&withdraw=unconfirmed#withdraw-h`, 303);
    const outcome = await withdrawAsReporter(ctx, principal);
    clearSessionCookie(reply, REPORTER_COOKIE);
    return reply.redirect(`/followup?lang=${current.lang}&withdrawn=${outcome.state === 'held' ? 'held' : 'done'}`, 303);
  });

  app.post('/my-report/sign-out', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = page(request, body);
    const principal = await reporterOrRedirect(request, reply, current.lang);
    if (!principal) return reply;
    await requireFormToken(request, body.csrf, 'case', principal.sessionId);
    await endReporterSession(ctx, request.cookies[REPORTER_COOKIE]);
    clearSessionCookie(reply, REPORTER_COOKIE);
    return reply.redirect(`/followup?lang=${current.lang}&signed_out=1`, 303);
  });
}
