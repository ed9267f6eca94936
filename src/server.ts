import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fs from 'node:fs/promises';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { z } from 'zod';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { attachmentRoutes, multipartOptions } from './attachments/attachment.routes.js';
import { caseRoutes } from './cases/case.routes.js';
import { partyRoutes } from './cases/party.routes.js';
import { conflictRoutes } from './conflicts/conflict.routes.js';
import { directoryRoutes } from './directory/directory.routes.js';
import { apiTokenRoutes } from './identity/api-token.routes.js';
import { protectionRoutes } from './protection/protection.routes.js';
import { channelRoutes } from './channels/channel.routes.js';
import { prepareEscrow } from './escrow/escrow.key.js';
import { prepareSigningKey } from './records/signing-key.js';
import { recordsRoutes } from './records/records.routes.js';
import { escrowRoutes } from './escrow/escrow.routes.js';
import { clockRoutes } from './clocks/clock.routes.js';
import { authenticateStaff } from './identity/identity.service.js';
import { authenticateApiToken } from './identity/api-token.service.js';
import { identityRoutes } from './identity/identity.routes.js';
import { adminRoutes } from './admin/admin.routes.js';
import { intakeRoutes } from './intake/intake.routes.js';
import { questionnaireRoutes } from './questionnaires/questionnaire.routes.js';
import type { AppContext } from './kernel/context.js';
import { REPORTER_COOKIE, STAFF_COOKIE } from './kernel/http/cookies.js';
import { installErrorHandling, validationError } from './kernel/http/errors.js';
import { buildOpenApiDocument } from './kernel/http/openapi.js';
import type { AnyRoute } from './kernel/http/route.js';
import { ValidationFailed } from './kernel/errors.js';
import { notificationRoutes } from './notifications/notification.routes.js';
import { registerPortal } from './portal/portal.routes.js';
import { registerSetup } from './setup/setup.routes.js';
import { authenticateReporter } from './reporter/reporter.service.js';
import { reporterRoutes } from './reporter/reporter.routes.js';
import { CANDOR_VERSION } from './version.js';

export const API_ROUTES: readonly AnyRoute[] = [...intakeRoutes, ...reporterRoutes, ...identityRoutes, ...adminRoutes, ...caseRoutes, ...questionnaireRoutes, ...attachmentRoutes, ...channelRoutes, ...clockRoutes, ...notificationRoutes, ...escrowRoutes, ...directoryRoutes, ...apiTokenRoutes, ...partyRoutes, ...conflictRoutes, ...protectionRoutes, ...recordsRoutes, ...analyticsRoutes];

/** Nothing from anywhere but Candor itself: no third-party fonts, scripts, images or frames. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The staff console as Vite built it (`npm run build:console`); the same path from src/ and from dist/. */
const CONSOLE_DIR = new URL('../dist/console/', import.meta.url);
const CONSOLE_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', woff2: 'font/woff2' };

/** Serves the console: its page (for every path under /console, the console routes in the browser) is never cached; its content-hashed assets are cached for good. */
function registerConsole(app: FastifyInstance): void {
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    const html = await fs.readFile(new URL('index.html', CONSOLE_DIR)).catch(() => null);
    if (!html) return reply.code(503).type('text/plain; charset=utf-8').send('The staff console is not built yet: run npm run build:console.');
    return reply.type('text/html; charset=utf-8').send(html);
  };
  app.get('/console', page);
  app.get('/console/*', page);
  app.get('/console/assets/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const { name } = request.params;
    const type = CONSOLE_TYPES[name.split('.').pop() ?? ''];
    const body = type && /^[\w-]+\.[\w.-]+$/.test(name) ? await fs.readFile(new URL(`assets/${name}`, CONSOLE_DIR)).catch(() => null) : null;
    if (!body) return reply.code(404).send({ error: { code: 'not_found', message: 'Not found.', requestId: request.id } });
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(type!).send(body);
  });
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) {
    const empty = value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
    if (!empty) throw new ValidationFailed({ [where]: ['this request takes no ' + where] });
    return undefined;
  }
  const parsed = schema.safeParse(value ?? (where === 'query' || where === 'params' ? {} : undefined));
  if (!parsed.success) throw validationError(parsed.error, where === 'body' ? undefined : where);
  return parsed.data;
}

async function authenticate(ctx: AppContext, spec: AnyRoute, request: FastifyRequest): Promise<unknown> {
  if (spec.auth === 'staff') return authenticateStaff(ctx, request.cookies[STAFF_COOKIE], { allowWithoutSecondFactor: spec.allowWithoutSecondFactor });
  if (spec.auth === 'reporter') return authenticateReporter(ctx, request.cookies[REPORTER_COOKIE]);
  if (spec.auth === 'hr-system') return authenticateApiToken(ctx, request.headers.authorization);
  return undefined;
}

function registerRoute(app: FastifyInstance, ctx: AppContext, spec: AnyRoute): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = await authenticate(ctx, spec, request);
      const result = await spec.handler({
        ctx,
        principal: principal as never,
        body: parseWith(spec.body, request.body, 'body'),
        query: parseWith(spec.query, request.query, 'query'),
        params: parseWith(spec.params, request.params, 'params'),
        request,
        reply,
      });
      const status = spec.status ?? 200;
      reply.code(status);
      return status === 204 ? reply.send() : reply.send(result);
    },
  });
}

/** Builds the HTTP server for a context. Listening is the caller's business. */
export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    // Addresses are never logged or stored; behind a proxy (CANDOR_TRUST_PROXY) the forwarded one is used, in memory, for throttling only.
    trustProxy: ctx.config.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  // Accept an empty JSON body (as fetch sends for a bare POST); everything else through Fastify's safe parser.
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    return defaultJsonParser(request, body as string, done);
  });

  await app.register(cookie);
  await app.register(multipart, multipartOptions(ctx.config));
  installErrorHandling(app);

  // Request log lines carry the request id, method, route pattern, status and time: never an address or a body.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Content-hashed assets say how long they may be kept; everything else is never stored.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    return payload;
  });

  // The escrow key file is read (or, on an installation's first start, made) before any request.
  await prepareEscrow(ctx);
  await prepareSigningKey(ctx);
  for (const spec of API_ROUTES) registerRoute(app, ctx, spec);
  // The portal's pages live in their own context: they take plain HTML forms (the API takes JSON
  // only), and their errors are answered as pages, not JSON.
  await app.register(async (portal) => {
    await portal.register(formbody, { bodyLimit: ctx.config.http.bodyLimitBytes });
    await registerPortal(portal, ctx);
  });
  // First-run wizard and staff enrolment: plain HTML forms too, in a context of their own.
  await app.register(async (setup) => {
    await setup.register(formbody, { bodyLimit: 64 * 1024 });
    await registerSetup(setup, ctx);
  });

  registerConsole(app);
  const openapi = buildOpenApiDocument(API_ROUTES, CANDOR_VERSION);
  app.get('/api/openapi.json', async () => openapi);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ error: { code: 'not_ready', message: 'The database is not reachable.', requestId: _request.id } });
    }
  });
  return app;
}
