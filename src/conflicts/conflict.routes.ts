import { z } from 'zod';
import { ConflictBody, ConflictList } from '../cases/party.schema.js';
import { route } from '../kernel/http/route.js';
import { declareConflict, listConflicts, withdrawConflict } from './conflict.service.js';

export const conflictRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/conflicts',
    summary: 'Declare a standing conflict with an employee (yourself; admin and oversight for anyone): no case naming them as a subject reaches that person',
    tags: ['conflicts'],
    auth: 'staff',
    body: ConflictBody,
    status: 201,
    errors: [{ status: 403, code: 'forbidden' }, { status: 409, code: 'conflict_exists' }],
    handler: ({ ctx, principal, body }) => declareConflict(ctx, principal, body),
  }),
  route({
    method: 'GET',
    url: '/api/v1/conflicts',
    summary: 'Declared conflicts: your own; admin and oversight see all',
    tags: ['conflicts'],
    auth: 'staff',
    response: ConflictList,
    handler: ({ ctx, principal }) => listConflicts(ctx, principal),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/conflicts/:id',
    summary: 'Withdraw a declared conflict (one you declared; admin and oversight any)',
    tags: ['conflicts'],
    auth: 'staff',
    params: z.strictObject({ id: z.uuid() }),
    status: 204,
    errors: [{ status: 404, code: 'conflict_not_found' }, { status: 403, code: 'forbidden' }],
    handler: ({ ctx, principal, params }) => withdrawConflict(ctx, principal, params.id),
  }),
];
