import { route } from '../kernel/http/route.js';
import { BoardReportQuery, Dashboard, DashboardQuery } from './analytics.schema.js';
import { getBoardReport, getDashboard } from './analytics.service.js';

const analyticsOnly = [{ status: 403, code: 'analytics_only' }] as const;

export const analyticsRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/analytics/dashboard',
    summary: 'Leadership figures for a range of months, with small cells suppressed (analyst, oversight; audited)',
    tags: ['analytics'],
    auth: 'staff',
    query: DashboardQuery,
    response: Dashboard,
    errors: analyticsOnly,
    handler: ({ ctx, principal, query }) => getDashboard(ctx, principal, query),
  }),
  route({
    method: 'GET',
    url: '/api/v1/analytics/board-report',
    summary: 'The board report for a quarter, as a printable PDF (analyst, oversight; audited)',
    tags: ['analytics'],
    auth: 'staff',
    query: BoardReportQuery,
    responseType: 'application/pdf',
    errors: analyticsOnly,
    handler: async ({ ctx, principal, query, reply }) => {
      const pdf = await getBoardReport(ctx, principal, query.quarter);
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `attachment; filename="candor-board-report-${query.quarter}.pdf"`);
      return Buffer.from(pdf);
    },
  }),
];
