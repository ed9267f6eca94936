import { z } from 'zod';
import { route } from '../kernel/http/route.js';
import { ChannelSlugParams, Questionnaire, QuestionnaireDefinition } from './questionnaire.schema.js';
import { getChannelQuestionnaire, publishQuestionnaire } from './questionnaire.service.js';

export const questionnaireRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/channels/:slug/questionnaire',
    summary: "A channel's current questionnaire, or one version of it (?version=N)",
    tags: ['reporter'],
    auth: 'public',
    params: ChannelSlugParams,
    query: z.strictObject({ version: z.coerce.number().int().min(0).optional() }),
    response: Questionnaire,
    errors: [{ status: 404, code: 'unknown_channel' }],
    handler: ({ ctx, params, query }) => getChannelQuestionnaire(ctx, params.slug, query.version),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/admin/channels/:slug/questionnaire',
    summary: 'Publish a new questionnaire version for a channel (admin); earlier versions are kept',
    tags: ['admin'],
    auth: 'staff',
    params: ChannelSlugParams,
    body: QuestionnaireDefinition,
    status: 201,
    response: Questionnaire,
    errors: [{ status: 403, code: 'admin_only' }],
    handler: ({ ctx, principal, params, body }) => publishQuestionnaire(ctx, principal, params.slug, body),
  }),
];
