import { route } from '../kernel/http/route.js';
import { listMatches, getMatch, openCasesFromMatch } from './counselor.service.js';
import { LodgeEntryBody, LodgeEntryResponse, MatchDetail, MatchIdParams, MatchList, OpenCasesBody, OpenCasesResponse } from './escrow.schema.js';
import { lodgeEntry } from './escrow.service.js';
import { lodgingThrottleFor } from './escrow.throttle.js';

const counselorOnly = [{ status: 403, code: 'not_counselor' }] as const;

export const escrowRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/escrow/entries',
    summary: 'Lodge a sealed escrow entry naming someone; it opens only when an independent entry names the same person',
    tags: ['escrow'],
    auth: 'public',
    body: LodgeEntryBody,
    status: 201,
    response: LodgeEntryResponse,
    errors: [
      { status: 400, code: 'invalid_request' },
      { status: 429, code: 'too_many_entries' },
      { status: 503, code: 'escrow_unavailable' },
    ],
    handler: async ({ ctx, body, request }) => {
      const limiter = lodgingThrottleFor(ctx);
      const { receipt } = await lodgeEntry(ctx, body, { throttle: { limiter, key: limiter.keyFor(request.ip) } });
      return { receipt };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/escrow/matches',
    summary: 'Escrow matches, newest first (counselors)',
    tags: ['escrow'],
    auth: 'staff',
    response: MatchList,
    errors: counselorOnly,
    handler: ({ ctx, principal }) => listMatches(ctx, principal),
  }),
  route({
    method: 'GET',
    url: '/api/v1/escrow/matches/:id',
    summary: 'One match with its entries, decrypted (counselors; audited)',
    tags: ['escrow'],
    auth: 'staff',
    params: MatchIdParams,
    response: MatchDetail,
    errors: [...counselorOnly, { status: 404, code: 'escrow_match_not_found' }],
    handler: ({ ctx, principal, params }) => getMatch(ctx, principal, params.id),
  }),
  route({
    method: 'POST',
    url: '/api/v1/escrow/matches/:id/cases',
    summary: 'Open a report from each entry of the match whose reporter has agreed (counselors)',
    tags: ['escrow'],
    auth: 'staff',
    params: MatchIdParams,
    body: OpenCasesBody,
    status: 201,
    response: OpenCasesResponse,
    errors: [...counselorOnly, { status: 404, code: 'escrow_match_not_found' }, { status: 409, code: 'no_consent' }],
    handler: ({ ctx, principal, params, body }) => openCasesFromMatch(ctx, principal, params.id, body?.category),
  }),
];
