import { z } from 'zod';
import { route } from '../kernel/http/route.js';
import { API_TOKEN_ROLES, createApiTokenAsAdmin, listApiTokens, revokeApiTokenAsAdmin } from './api-token.service.js';

const TokenBody = z
  .strictObject({ name: z.string().trim().min(1).max(200).describe('What the token is for, e.g. "Workday sync"'), role: z.enum(API_TOKEN_ROLES) })
  .meta({ id: 'ApiTokenBody' });
const TokenSummary = z.object({ id: z.string(), name: z.string(), role: z.enum(API_TOKEN_ROLES), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() }).meta({ id: 'ApiToken' });
const adminOnly = [{ status: 403, code: 'admin_only' }] as const;

export const apiTokenRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/admin/tokens',
    summary: 'Create an API token for an HR system (admin); the token is shown once',
    tags: ['admin'],
    auth: 'staff',
    body: TokenBody,
    status: 201,
    response: z.object({ id: z.string(), name: z.string(), role: z.enum(API_TOKEN_ROLES), token: z.string().describe('Shown once; send as Authorization: Bearer'), createdAt: z.string() }),
    errors: adminOnly,
    handler: ({ ctx, principal, body }) => createApiTokenAsAdmin(ctx, principal, body),
  }),
  route({
    method: 'GET',
    url: '/api/v1/admin/tokens',
    summary: 'List API tokens (admin); never the tokens themselves',
    tags: ['admin'],
    auth: 'staff',
    response: z.object({ items: z.array(TokenSummary) }),
    errors: adminOnly,
    handler: ({ ctx, principal }) => listApiTokens(ctx, principal),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/admin/tokens/:id',
    summary: 'Revoke an API token (admin)',
    tags: ['admin'],
    auth: 'staff',
    params: z.strictObject({ id: z.uuid() }),
    status: 204,
    errors: [...adminOnly, { status: 404, code: 'token_not_found' }],
    handler: ({ ctx, principal, params }) => revokeApiTokenAsAdmin(ctx, principal, params.id),
  }),
];
