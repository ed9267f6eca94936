import { route } from '../kernel/http/route.js';
import { SubmitReportBody, SubmitReportResponse } from './intake.schema.js';
import { submitReport } from './intake.service.js';

export const intakeRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/reports',
    summary: 'Submit a report; answers the receipt (shown once) and the promised dates',
    tags: ['reporter'],
    auth: 'public',
    body: SubmitReportBody,
    status: 201,
    response: SubmitReportResponse,
    errors: [
      { status: 503, code: 'no_recipients' },
      { status: 413, code: 'body_too_large' },
    ],
    handler: async ({ ctx, body }) => {
      const { receipt, caseRef, acknowledgeBy, feedbackBy } = await submitReport(ctx, body);
      return { receipt, caseRef, acknowledgeBy, feedbackBy };
    },
  }),
];
