import { route } from '../kernel/http/route.js';
import { CaseDetail, CaseIdParams, CaseList, CaseListQuery, CaseMessage, MessageBody } from './case.schema.js';
import { acknowledgeCase, getCaseForStaff, listCasesForStaff, postHandlerMessage } from './case.service.js';

const notFound = [{ status: 404, code: 'case_not_found' }] as const;

export const caseRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/cases',
    summary: 'Cases the signed-in person may read, most urgent deadline first',
    tags: ['cases'],
    auth: 'staff',
    query: CaseListQuery,
    response: CaseList,
    handler: ({ ctx, principal, query }) => listCasesForStaff(ctx, principal, query.limit, query.cursor),
  }),
  route({
    method: 'GET',
    url: '/api/v1/cases/:id',
    summary: 'One case, decrypted, with its messages (audited)',
    tags: ['cases'],
    auth: 'staff',
    params: CaseIdParams,
    response: CaseDetail,
    errors: notFound,
    handler: ({ ctx, principal, params }) => getCaseForStaff(ctx, principal, params.id),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/acknowledge',
    summary: 'Acknowledge receipt to the reporter',
    tags: ['cases'],
    auth: 'staff',
    params: CaseIdParams,
    errors: [...notFound, { status: 409, code: 'invalid_transition' }],
    handler: ({ ctx, principal, params }) => acknowledgeCase(ctx, principal, params.id),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/messages',
    summary: 'Send a message to the reporter',
    tags: ['cases'],
    auth: 'staff',
    params: CaseIdParams,
    body: MessageBody,
    status: 201,
    response: CaseMessage,
    errors: notFound,
    handler: ({ ctx, principal, params, body }) => postHandlerMessage(ctx, principal, params.id, body.body),
  }),
];
