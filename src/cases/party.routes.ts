import { route } from '../kernel/http/route.js';
import { CaseIdParams } from './case.schema.js';
import { recordOutcome, recordSubjectAppeal, recordSubjectNotice, recordSubjectResponse } from './due-process.service.js';
import { CaseParty, OutcomeBody, PartyBody, RecuseBody, SubjectAppealBody, SubjectNoticeBody, SubjectResponseBody } from './party.schema.js';
import { addParty } from './party.service.js';
import { recuseFromCase } from './recusal.service.js';

const notFound = [{ status: 404, code: 'case_not_found' }] as const;

export const partyRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/parties',
    summary: 'Add a subject, witness or supporter (a witness or supporter in the directory becomes a protected person; key holders in conflict with a new subject lose their key)',
    tags: ['cases', 'conflicts'],
    auth: 'staff',
    params: CaseIdParams,
    body: PartyBody,
    status: 201,
    response: CaseParty,
    errors: [...notFound, { status: 409, code: 'no_recipients_left' }],
    handler: ({ ctx, principal, params, body }) => addParty(ctx, principal, params.id, body),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/recuse',
    summary: 'Recuse from a case: your copy of its key is destroyed (audited); if nobody else could read it, oversight takes it',
    tags: ['cases', 'conflicts'],
    auth: 'staff',
    params: CaseIdParams,
    body: RecuseBody,
    errors: [...notFound, { status: 409, code: 'last_reader' }],
    handler: ({ ctx, principal, params, body }) => recuseFromCase(ctx, principal, params.id, body.reason),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/subject-notices',
    summary: 'Record when and what the subject was told (sealed)',
    tags: ['cases', 'due-process'],
    auth: 'staff',
    params: CaseIdParams,
    body: SubjectNoticeBody,
    status: 201,
    errors: notFound,
    handler: ({ ctx, principal, params, body }) => recordSubjectNotice(ctx, principal, params.id, body),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/subject-responses',
    summary: "Record the subject's response: text and files uploaded to the case (sealed)",
    tags: ['cases', 'due-process'],
    auth: 'staff',
    params: CaseIdParams,
    body: SubjectResponseBody,
    status: 201,
    errors: notFound,
    handler: ({ ctx, principal, params, body }) => recordSubjectResponse(ctx, principal, params.id, body),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/outcome',
    summary: 'Record the outcome and sanctions (once findings are made; sealed)',
    tags: ['cases', 'due-process'],
    auth: 'staff',
    params: CaseIdParams,
    body: OutcomeBody,
    status: 201,
    errors: [...notFound, { status: 409, code: 'invalid_transition' }],
    handler: ({ ctx, principal, params, body }) => recordOutcome(ctx, principal, params.id, body),
  }),
  route({
    method: 'POST',
    url: '/api/v1/cases/:id/subject-appeals',
    summary: "Record the subject's appeal of a closed case, within the appeal window: the case goes to review",
    tags: ['cases', 'due-process'],
    auth: 'staff',
    params: CaseIdParams,
    body: SubjectAppealBody,
    status: 201,
    errors: [...notFound, { status: 409, code: 'invalid_transition' }, { status: 409, code: 'appeal_window_closed' }],
    handler: ({ ctx, principal, params, body }) => recordSubjectAppeal(ctx, principal, params.id, body),
  }),
];
