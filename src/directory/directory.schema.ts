import { z } from 'zod';

export const EmployeeInputSchema = z.strictObject({
  id: z.string().trim().min(1).max(100).describe("The HR system's employee id"),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable().optional(),
  department: z.string().trim().max(200).nullable().optional(),
  managerId: z.string().trim().max(100).nullable().optional().describe("The manager's employee id"),
  active: z.boolean().optional().describe('false: the person left; kept so old links still resolve'),
});

export const DirectoryUpsertBody = z
  .strictObject({ employees: z.array(EmployeeInputSchema).min(1).max(5000) })
  .meta({ id: 'DirectoryUpsertBody' });

export const DirectorySyncResult = z
  .object({
    added: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    deactivated: z.number().int(),
    staffLinked: z.number().int().describe('Staff accounts newly linked to their entry by e-mail'),
  })
  .meta({ id: 'DirectorySyncResult' });

export const DirectoryEmployee = z
  .object({ id: z.string(), name: z.string(), email: z.string().nullable(), department: z.string().nullable(), managerId: z.string().nullable(), active: z.boolean() })
  .meta({ id: 'DirectoryEmployee' });

export const DirectorySearchQuery = z.strictObject({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const StaffEmployeeBody = z
  .strictObject({ employeeId: z.string().trim().min(1).max(100).nullable().describe('null: unlink') })
  .meta({ id: 'StaffEmployeeBody' });
