import { z } from 'zod';
import { route } from '../kernel/http/route.js';
import { ChannelSlugParams } from '../questionnaires/questionnaire.schema.js';
import { Channel, CreateChannelBody, PortalTextsBody, UpdateChannelBody } from './channel.schema.js';
import { createChannelAsAdmin, listAllChannels, setSupportResources, updateChannelAsAdmin } from './channel.service.js';

const adminOnly = [{ status: 403, code: 'admin_only' }] as const;

export const channelRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/channels',
    summary: 'Reporting channels',
    tags: ['reporter'],
    auth: 'public',
    response: z.object({ items: z.array(Channel) }),
    handler: async ({ ctx }) => ({ items: await listAllChannels(ctx) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/admin/channels',
    summary: 'Create a channel (admin)',
    tags: ['admin'],
    auth: 'staff',
    body: CreateChannelBody,
    status: 201,
    response: Channel,
    errors: [...adminOnly, { status: 409, code: 'channel_exists' }],
    handler: ({ ctx, principal, body }) => createChannelAsAdmin(ctx, principal, body),
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/admin/channels/:slug',
    summary: "Change a channel's name or description (admin)",
    tags: ['admin'],
    auth: 'staff',
    params: ChannelSlugParams,
    body: UpdateChannelBody,
    response: Channel,
    errors: adminOnly,
    handler: ({ ctx, principal, params, body }) => updateChannelAsAdmin(ctx, principal, params.slug, body),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/admin/portal',
    summary: 'Set the support resources the portal shows (admin)',
    tags: ['admin'],
    auth: 'staff',
    body: PortalTextsBody,
    status: 204,
    errors: adminOnly,
    handler: async ({ ctx, principal, body }) => {
      await setSupportResources(ctx, principal, body.supportResources);
      return null;
    },
  }),
];
