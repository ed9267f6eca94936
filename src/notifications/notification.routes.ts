import { getReporterMilestones } from '../clocks/clock.service.js';
import { route } from '../kernel/http/route.js';
import { getReporterNotifyAddress, setReporterNotifyAddress } from './notification.service.js';
import { NotifyEmail, NotifyEmailBody, ReporterMilestones } from './notification.schema.js';

export const notificationRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/reporter/notify-email',
    summary: 'The address the reporter left for content-free notices, if any',
    tags: ['reporter'],
    auth: 'reporter',
    response: NotifyEmail,
    handler: ({ ctx, principal }) => getReporterNotifyAddress(ctx, principal),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/reporter/notify-email',
    summary: 'Leave or change an address for content-free notices (kept apart from the report, sealed under a server key)',
    tags: ['reporter'],
    auth: 'reporter',
    body: NotifyEmailBody,
    response: NotifyEmail,
    handler: ({ ctx, principal, body }) => setReporterNotifyAddress(ctx, principal, body.email),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/reporter/notify-email',
    summary: 'Take the notification address back: no more notices',
    tags: ['reporter'],
    auth: 'reporter',
    response: NotifyEmail,
    handler: ({ ctx, principal }) => setReporterNotifyAddress(ctx, principal, null),
  }),
  route({
    method: 'GET',
    url: '/api/v1/reporter/milestones',
    summary: 'The promised dates, whether they were kept, and whether the case was escalated (no names)',
    tags: ['reporter'],
    auth: 'reporter',
    response: ReporterMilestones,
    handler: ({ ctx, principal }) => getReporterMilestones(ctx, principal),
  }),
];
