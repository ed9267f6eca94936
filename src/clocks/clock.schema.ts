import { z } from 'zod';
import { REPORT_CATEGORIES } from '../intake/intake.schema.js';
import { CLOCK_STATES } from './clock-state.rules.js';
import { CLOCK_KINDS, MAX_HOLIDAYS } from './clock.rules.js';

export const ClockKindSchema = z.enum(CLOCK_KINDS);

export const CaseClockParams = z.strictObject({ id: z.uuid(), kind: ClockKindSchema });

export const PauseClockBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(3, 'say why the clock is paused')
      .max(300)
      .describe('Kept in the clear and shown to oversight: say why, without names or case details'),
  })
  .meta({ id: 'PauseClockBody' });

export const ClockView = z
  .object({
    kind: ClockKindSchema,
    state: z.enum(CLOCK_STATES),
    startedAt: z.string(),
    dueAt: z.string(),
    metAt: z.string().nullable(),
    breachedAt: z.string().nullable(),
    pausedAt: z.string().nullable(),
    pauseReason: z.string().nullable(),
  })
  .meta({ id: 'ClockView' });

export const EscalationView = z
  .object({
    rung: z.number(),
    outcome: z.enum(['escalated', 'skipped']),
    clockKind: z.string(),
    at: z.string(),
    activated: z.number(),
    withoutKey: z.number().describe('People on the rung who hold no key for this case (added to the ladder after intake)'),
  })
  .meta({ id: 'EscalationView' });

export const CaseClocks = z.object({ clocks: z.array(ClockView), escalations: z.array(EscalationView) }).meta({ id: 'CaseClocks' });

export const ClockPauseList = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        caseRef: z.string(),
        kind: ClockKindSchema,
        dueAt: z.string(),
        pausedAt: z.string(),
        reason: z.string(),
        pausedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'ClockPauseList' });

const days = (max: number) => z.number().int().min(1).max(max);

export const ClockPolicyInput = z
  .strictObject({
    category: z.union([z.literal('*'), z.enum(REPORT_CATEGORIES)]).describe("A report category, or '*' for every category without its own"),
    acknowledgeDays: days(90),
    feedback: z.union([z.strictObject({ months: days(24) }), z.strictObject({ days: days(730) })]).describe('Feedback due in calendar months or in days'),
    investigationDays: days(730),
    idleDays: days(365).describe('Days without recorded activity before the idle alarm'),
    days: z.enum(['calendar', 'business']).default('calendar').describe('Business days skip Saturdays, Sundays and the channel holidays'),
  })
  .meta({ id: 'ClockPolicyInput' });
export type ClockPolicyInput = z.infer<typeof ClockPolicyInput>;

export const ClockPoliciesBody = z
  .strictObject({ policies: z.array(ClockPolicyInput).max(REPORT_CATEGORIES.length + 1) })
  .refine((body) => new Set(body.policies.map((policy) => policy.category)).size === body.policies.length, {
    message: 'each category at most once',
    path: ['policies'],
  })
  .meta({ id: 'ClockPoliciesBody' });

const ClockPolicyOutput = z.object({
  category: z.string(),
  acknowledgeDays: z.number(),
  feedback: z.union([z.object({ months: z.number() }), z.object({ days: z.number() })]),
  investigationDays: z.number(),
  idleDays: z.number(),
  days: z.enum(['calendar', 'business']),
});

export const ClockPolicies = z
  .object({
    channel: z.string(),
    defaults: ClockPolicyOutput.describe('What applies where the channel sets nothing (from the configuration)'),
    policies: z.array(ClockPolicyOutput),
    holidays: z.array(z.string()),
  })
  .meta({ id: 'ClockPolicies' });

export const HolidaysBody = z
  .strictObject({ holidays: z.array(z.iso.date()).max(MAX_HOLIDAYS).describe('UTC calendar days, YYYY-MM-DD') })
  .meta({ id: 'HolidaysBody' });

export const LadderRungInput = z.union([
  z.strictObject({ users: z.array(z.uuid()).min(1).max(20).describe('Handlers or oversight members, by user id') }),
  z.strictObject({ oversight: z.literal(true).describe('Every active oversight member') }),
]);

export const LadderBody = z.strictObject({ rungs: z.array(LadderRungInput).max(10) }).meta({ id: 'LadderBody' });

export const Ladder = z
  .object({
    channel: z.string(),
    configured: z.boolean().describe('false: the default ladder (straight to oversight)'),
    rungs: z.array(
      z.object({
        rung: z.number(),
        kind: z.enum(['users', 'oversight']),
        users: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
      }),
    ),
  })
  .meta({ id: 'Ladder' });
