import { z } from 'zod';
import { HrCheckBody, HrCheckResult, HrEventBody, HrEventResult, ReviewDecisionBody, ReviewList } from '../cases/party.schema.js';
import { route } from '../kernel/http/route.js';
import { recordHrEventFromSystem } from './hr-event.service.js';
import { checkClearance } from './protection.service.js';
import { decideReview, listReviews } from './review.service.js';

export const protectionRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/hr-events',
    summary: 'Report an HR event (HR system token); an adverse event for a protected person is flagged and held for oversight',
    tags: ['retaliation-watch'],
    auth: 'hr-system',
    body: HrEventBody,
    status: 201,
    response: HrEventResult,
    errors: [{ status: 503, code: 'no_recipients' }],
    handler: async ({ ctx, principal, body }) => {
      const result = await recordHrEventFromSystem(ctx, principal, body);
      return { id: result.id, clearanceRequired: result.clearanceRequired };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/hr-events/check',
    summary: 'Pre-action check (HR system token): whether an action against this employee needs clearance first, and nothing else',
    tags: ['retaliation-watch'],
    auth: 'hr-system',
    body: HrCheckBody,
    response: HrCheckResult,
    handler: ({ ctx, principal, body }) => checkClearance(ctx, principal, body),
  }),
  route({
    method: 'GET',
    url: '/api/v1/oversight/retaliation-reviews',
    summary: 'Retaliation reviews you hold (oversight): the HR event, its state and the review clock',
    tags: ['retaliation-watch', 'oversight'],
    auth: 'staff',
    response: ReviewList,
    errors: [{ status: 403, code: 'oversight_only' }],
    handler: ({ ctx, principal }) => listReviews(ctx, principal),
  }),
  route({
    method: 'POST',
    url: '/api/v1/oversight/retaliation-reviews/:id/decision',
    summary: 'Clear or uphold a retaliation review, with reasons (oversight); the HR event is no longer flagged',
    tags: ['retaliation-watch', 'oversight'],
    auth: 'staff',
    params: z.strictObject({ id: z.uuid() }),
    body: ReviewDecisionBody,
    errors: [{ status: 403, code: 'oversight_only' }, { status: 404, code: 'case_not_found' }, { status: 409, code: 'review_decided' }],
    handler: ({ ctx, principal, params, body }) => decideReview(ctx, principal, params.id, body),
  }),
];
