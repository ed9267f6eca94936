import { AppealBody, MessageBody } from '../cases/case.schema.js';
import { appealAsReporter } from '../cases/lifecycle.service.js';
import { route } from '../kernel/http/route.js';
import { REPORTER_COOKIE, clearSessionCookie, setSessionCookie } from '../kernel/http/cookies.js';
import { receiptThrottleFor } from './receipt.throttle.js';
import { ReporterCase, ReporterSessionBody } from './reporter.schema.js';
import { endReporterSession, getReporterCase, postReporterMessage, startReporterSession } from './reporter.service.js';

export const reporterRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/reporter/appeal',
    summary: 'Appeal a closed case within the appeal window; it goes back to review',
    tags: ['reporter'],
    auth: 'reporter',
    body: AppealBody,
    errors: [
      { status: 409, code: 'invalid_transition' },
      { status: 409, code: 'appeal_window_closed' },
    ],
    handler: ({ ctx, principal, body }) => appealAsReporter(ctx, principal, body.reason),
  }),
  route({
    method: 'POST',
    url: '/api/v1/reporter/session',
    summary: 'Sign in with a receipt; sets the reporter session cookie',
    tags: ['reporter'],
    auth: 'public',
    body: ReporterSessionBody,
    status: 204,
    errors: [
      { status: 401, code: 'bad_receipt' },
      { status: 429, code: 'too_many_attempts' },
    ],
    handler: async ({ ctx, body, request, reply }) => {
      const limiter = receiptThrottleFor(ctx);
      const session = await startReporterSession(ctx, body.receipt, { limiter, key: limiter.keyFor(request.ip) });
      setSessionCookie(reply, ctx, REPORTER_COOKIE, session);
      return null;
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/reporter/session',
    summary: 'Sign out',
    tags: ['reporter'],
    auth: 'reporter',
    status: 204,
    handler: async ({ ctx, request, reply }) => {
      await endReporterSession(ctx, request.cookies[REPORTER_COOKIE]);
      clearSessionCookie(reply, REPORTER_COOKIE);
      return null;
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/reporter/case',
    summary: "The reporter's case: status, promised dates and messages",
    tags: ['reporter'],
    auth: 'reporter',
    response: ReporterCase,
    handler: ({ ctx, principal }) => getReporterCase(ctx, principal),
  }),
  route({
    method: 'POST',
    url: '/api/v1/reporter/messages',
    summary: 'Send a message to the people handling the case',
    tags: ['reporter'],
    auth: 'reporter',
    body: MessageBody,
    status: 201,
    handler: ({ ctx, principal, body }) => postReporterMessage(ctx, principal, body.body),
  }),
];
