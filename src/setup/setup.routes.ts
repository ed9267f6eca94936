/**
 * The first-run wizard (/setup/...) and staff enrolment (/enrol/<token>): server-rendered forms that
 * work without JavaScript, protected against cross-site posts by signed form tokens.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { updateChannelAsAdmin } from '../channels/channel.service.js';
import { listChannels } from '../channels/channel.repository.js';
import { authenticateStaff, type StaffPrincipal } from '../identity/identity.service.js';
import { EmailSchema, StaffNameSchema } from '../identity/identity.schema.js';
import { acceptInvitation, invitationPath, inviteStaff, openInvitation } from '../identity/invitation.service.js';
import { countOpenInvitations } from '../identity/invitation.repository.js';
import { countUsers } from '../identity/user.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { DomainError, ValidationFailed } from '../kernel/errors.js';
import { STAFF_COOKIE, setSessionCookie } from '../kernel/http/cookies.js';
import type { Html } from '../kernel/http/html.js';
import { baseUrlFromRequest } from './links.js';
import { SETUP_CSS_PATH, setupCss } from './setup.assets.js';
import { issueSetupFormToken, setupFormTokenIsValid, type SetupFormPurpose } from './setup.csrf.js';
import { checkSetupLink, createFirstAdmin } from './setup.service.js';
import {
  HANDLER_ROWS,
  OVERSIGHT_ROWS,
  channelPage,
  donePage,
  enrolPage,
  firstAdminPage,
  invitedPage,
  messagePage,
  peoplePage,
  recoveryKeyPage,
  type FormErrors,
  type InvitedPerson,
} from './setup.views.js';

class FormExpired extends DomainError {
  constructor() {
    super('form_expired', 'This form has expired or did not come from this site. Go back, reload the page and try again.', 403);
  }
}

function send(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** Form fields as strings (a repeated field keeps its first value). */
function formOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first.slice(0, 4000);
  }
  return out;
}

function fieldErrors(error: ValidationFailed): FormErrors {
  return Object.fromEntries(Object.entries(error.fields ?? {}).map(([name, messages]) => [name, `${name === 'email' ? 'E-mail address' : name === 'name' ? 'Name' : name === 'password' ? 'Password' : name}: ${messages.join(', ')}`]));
}

export async function registerSetup(app: FastifyInstance, ctx: AppContext): Promise<void> {
  async function requireForm(request: FastifyRequest, form: Record<string, string>, purpose: SetupFormPurpose, binding: string) {
    if (!(await setupFormTokenIsValid(ctx, request, form.csrf, purpose, binding))) throw new FormExpired();
  }

  /** The wizard's later steps run as the admin the first step created, in an ordinary staff session. */
  async function adminOrPage(request: FastifyRequest, reply: FastifyReply): Promise<StaffPrincipal | null> {
    try {
      const principal = await authenticateStaff(ctx, request.cookies[STAFF_COOKIE], { allowWithoutSecondFactor: true });
      if (principal.role === 'admin') return principal;
      send(reply, messagePage('Admins only', 'Only an administrator can change the set-up.', { href: '/console', label: 'Open the staff console' }), 403);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== 401) throw error;
      send(reply, messagePage('Please sign in', 'Sign in as an administrator in the staff console first, then come back to this page.', { href: '/console', label: 'Open the staff console' }), 401);
    }
    return null;
  }

  app.setErrorHandler(async (error: Error, request, reply) => {
    if (error instanceof DomainError) return send(reply, messagePage('This did not work', error.message), error.status);
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, messagePage('This did not work', 'The form was too large.'), 413);
    request.log.error({ errType: error.name, errCode: code, stack: error.stack?.split('\n').slice(0, 8).join('\n') }, 'setup request failed');
    return send(reply, messagePage('Something went wrong', 'Something went wrong on our side. Please try again in a moment.'), 500);
  });

  app.get(SETUP_CSS_PATH, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(setupCss()),
  );

  // --- Step 1: the first admin, with the one-time link

  const tokenOf = (request: FastifyRequest) => (request.params as { token: string }).token;

  app.get('/setup/:token', async (request, reply) => {
    const token = tokenOf(request);
    await checkSetupLink(ctx, token);
    return send(reply, firstAdminPage({ action: `/setup/${token}`, csrf: await issueSetupFormToken(ctx, 'setup-admin', token), values: {}, errors: {} }));
  });

  app.post('/setup/:token', async (request, reply) => {
    const token = tokenOf(request);
    const form = formOf(request);
    await requireForm(request, form, 'setup-admin', token);
    const values = { name: form.name ?? '', email: form.email ?? '' };
    const again = async (errors: FormErrors) =>
      send(reply, firstAdminPage({ action: `/setup/${token}`, csrf: await issueSetupFormToken(ctx, 'setup-admin', token), values, errors }), 400);
    if ((form.password ?? '') !== (form.password2 ?? '')) return again({ password2: 'The two passwords are not the same.' });
    try {
      const created = await createFirstAdmin(ctx, token, { name: values.name, email: values.email, password: form.password ?? '' });
      setSessionCookie(reply, ctx, STAFF_COOKIE, created.session);
      return send(reply, recoveryKeyPage({ recoveryKey: created.recoveryKey, next: { href: '/setup/channel', label: 'Continue: the first channel' }, step: 1 }), 201);
    } catch (error) {
      if (error instanceof ValidationFailed) return again(fieldErrors(error));
      throw error;
    }
  });

  // --- Step 2: name and describe the first channel

  async function firstChannel() {
    const channels = await listChannels(ctx.db);
    return channels.find((channel) => channel.slug === 'general') ?? channels[0] ?? null;
  }

  app.get('/setup/channel', async (request, reply) => {
    const principal = await adminOrPage(request, reply);
    if (!principal) return reply;
    const channel = await firstChannel();
    if (!channel) return send(reply, messagePage('No channel', 'There is no channel to set up.'), 404);
    const description = channel.description ? ((JSON.parse(channel.description) as { en?: string }).en ?? '') : '';
    return send(reply, channelPage({ csrf: await issueSetupFormToken(ctx, 'setup-channel', principal.sessionId), values: { name: channel.name, description }, errors: {} }));
  });

  app.post('/setup/channel', async (request, reply) => {
    const principal = await adminOrPage(request, reply);
    if (!principal) return reply;
    const form = formOf(request);
    await requireForm(request, form, 'setup-channel', principal.sessionId);
    const channel = await firstChannel();
    if (!channel) return send(reply, messagePage('No channel', 'There is no channel to set up.'), 404);
    const name = (form.name ?? '').trim();
    const description = (form.description ?? '').trim();
    if (name === '' || name.length > 200 || description.length > 2000) {
      const errors: FormErrors = name === '' ? { name: 'Give the channel a name.' } : name.length > 200 ? { name: 'The name is too long (200 characters at most).' } : { description: 'The description is too long (2,000 characters at most).' };
      return send(reply, channelPage({ csrf: await issueSetupFormToken(ctx, 'setup-channel', principal.sessionId), values: { name, description }, errors }), 400);
    }
    await updateChannelAsAdmin(ctx, principal, channel.slug, { name, description: description === '' ? null : { en: description } });
    return reply.redirect('/setup/people', 303);
  });

  // --- Step 3: handlers and oversight, invited with one-time enrolment links

  app.get('/setup/people', async (request, reply) => {
    const principal = await adminOrPage(request, reply);
    if (!principal) return reply;
    const channel = await firstChannel();
    return send(reply, peoplePage({ csrf: await issueSetupFormToken(ctx, 'setup-people', principal.sessionId), channelName: channel?.name ?? 'General', values: {}, errors: {} }));
  });

  app.post('/setup/people', async (request, reply) => {
    const principal = await adminOrPage(request, reply);
    if (!principal) return reply;
    const form = formOf(request);
    await requireForm(request, form, 'setup-people', principal.sessionId);
    const channel = await firstChannel();
    const errors: FormErrors = {};
    const people: { name: string; email: string; role: 'handler' | 'oversight' }[] = [];
    for (const [role, rows] of [['handler', HANDLER_ROWS], ['oversight', OVERSIGHT_ROWS]] as const) {
      for (let index = 0; index < rows; index += 1) {
        const nameField = `${role}_name_${index}`;
        const emailField = `${role}_email_${index}`;
        const rawName = (form[nameField] ?? '').trim();
        const rawEmail = (form[emailField] ?? '').trim();
        if (rawName === '' && rawEmail === '') continue;
        const name = StaffNameSchema.safeParse(rawName);
        const email = EmailSchema.safeParse(rawEmail);
        if (!name.success) errors[nameField] = 'Give a name for this person.';
        if (!email.success) errors[emailField] = 'Give this person\'s e-mail address.';
        else if (people.some((person) => person.email === email.data)) errors[emailField] = 'This address is in the list twice.';
        if (name.success && email.success) people.push({ name: name.data, email: email.data, role });
      }
    }
    const again = async (problems: FormErrors) =>
      send(reply, peoplePage({ csrf: await issueSetupFormToken(ctx, 'setup-people', principal.sessionId), channelName: channel?.name ?? 'General', values: form, errors: problems }), 400);
    if (Object.keys(errors).length > 0) return again(errors);
    if (people.length === 0) return again({ _: 'Fill in at least one person, or choose "Skip for now".' });

    let invited: InvitedPerson[] = [];
    let expiresAt = '';
    try {
      // All of them or none: a taken address sends the whole form back.
      invited = await inTransaction(ctx, async (tx) => {
        const out: InvitedPerson[] = [];
        for (const person of people) {
          const channels = person.role === 'handler' && channel ? [channel.slug] : [];
          const invitation = await inviteStaff(ctx, { type: 'staff', id: principal.userId }, { ...person, channels }, tx);
          expiresAt = invitation.expiresAt;
          out.push({ ...person, url: baseUrlFromRequest(ctx.config, request) + invitationPath(invitation.token) });
        }
        return out;
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'email_taken') return again({ _: 'One of these e-mail addresses belongs to an account already.' });
      throw error;
    }
    return send(reply, invitedPage(invited, expiresAt), 201);
  });

  app.get('/setup/done', async (request, reply) => {
    const principal = await adminOrPage(request, reply);
    if (!principal) return reply;
    const channel = await firstChannel();
    return send(reply, donePage({ channelName: channel?.name ?? 'General', accounts: await countUsers(ctx.db), invited: await countOpenInvitations(ctx.db) }));
  });

  // --- Enrolment: an invited person chooses their password

  app.get('/enrol/:token', async (request, reply) => {
    const token = tokenOf(request);
    const invitation = await openInvitation(ctx, token);
    return send(reply, enrolPage({ action: `/enrol/${token}`, csrf: await issueSetupFormToken(ctx, 'enrol', token), ...invitation, errors: {} }));
  });

  app.post('/enrol/:token', async (request, reply) => {
    const token = tokenOf(request);
    const form = formOf(request);
    await requireForm(request, form, 'enrol', token);
    const invitation = await openInvitation(ctx, token);
    const again = async (errors: FormErrors) =>
      send(reply, enrolPage({ action: `/enrol/${token}`, csrf: await issueSetupFormToken(ctx, 'enrol', token), ...invitation, errors }), 400);
    if ((form.password ?? '') !== (form.password2 ?? '')) return again({ password2: 'The two passwords are not the same.' });
    try {
      const created = await acceptInvitation(ctx, token, form.password ?? '');
      return send(reply, recoveryKeyPage({ recoveryKey: created.recoveryKey, next: { href: '/console', label: 'Sign in to the staff console' } }), 201);
    } catch (error) {
      if (error instanceof ValidationFailed) return again(fieldErrors(error));
      throw error;
    }
  });
}
