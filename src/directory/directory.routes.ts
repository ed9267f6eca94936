import { z } from 'zod';
import { route } from '../kernel/http/route.js';
import { UserIdParams } from '../admin/admin.schema.js';
import { DirectoryEmployee, DirectorySearchQuery, DirectorySyncResult, DirectoryUpsertBody, StaffEmployeeBody } from './directory.schema.js';
import { searchEmployees, setStaffEmployee, upsertDirectory } from './directory.service.js';

export const directoryRoutes = [
  route({
    method: 'PUT',
    url: '/api/v1/directory/employees',
    summary: 'Upsert employees into the directory (HR system token; idempotent: a repeated call changes nothing)',
    tags: ['directory'],
    auth: 'hr-system',
    body: DirectoryUpsertBody,
    response: DirectorySyncResult,
    handler: ({ ctx, principal, body }) => upsertDirectory(ctx, principal, body),
  }),
  route({
    method: 'GET',
    url: '/api/v1/directory/employees',
    summary: 'Search the employee directory by name, e-mail or id (admin, handler, oversight)',
    tags: ['directory'],
    auth: 'staff',
    query: DirectorySearchQuery,
    response: z.object({ items: z.array(DirectoryEmployee) }),
    errors: [{ status: 403, code: 'forbidden' }],
    handler: ({ ctx, principal, query }) => searchEmployees(ctx, principal, query),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/admin/users/:id/employee',
    summary: "Link a staff account to its directory entry, or unlink it (admin); accounts link by e-mail automatically",
    tags: ['admin', 'directory'],
    auth: 'staff',
    params: UserIdParams,
    body: StaffEmployeeBody,
    errors: [{ status: 403, code: 'admin_only' }, { status: 404, code: 'user_not_found' }],
    handler: ({ ctx, principal, params, body }) => setStaffEmployee(ctx, principal, params.id, body.employeeId),
  }),
];
