import { z } from 'zod';
import { REPORT_CATEGORIES } from '../intake/intake.schema.js';
import { IDENTIFIER_KINDS, IDENTIFIER_MAX_CHARS } from './identifier.rules.js';

/** An escrow account is shorter than a report's: enough to say what happened, to be told in full later. */
export const ACCOUNT_MAX = 20_000;

export const TypedIdentifier = z
  .strictObject({
    kind: z.enum(IDENTIFIER_KINDS).describe('work e-mail, phone number, employee id from the directory, or profile URL'),
    value: z.string().max(IDENTIFIER_MAX_CHARS),
  })
  .meta({ id: 'EscrowIdentifier' });
export type TypedIdentifier = z.infer<typeof TypedIdentifier>;

export const LodgeEntryBody = z
  .strictObject({
    identifiers: z.array(TypedIdentifier).min(1).max(10).describe('Ways to name the one person the entry is about'),
    account: z.string().trim().min(1, 'please say briefly what happened').max(ACCOUNT_MAX),
    contactEmail: z.email().max(320).optional().describe('For a content-free notice of a match; sealed with the entry'),
  })
  .meta({ id: 'LodgeEntryBody' });
export type LodgeEntry = z.infer<typeof LodgeEntryBody>;

export const LodgeEntryResponse = z
  .object({ receipt: z.string().describe('Shown once. 20 digits in groups of four; cannot be recovered.') })
  .meta({ id: 'LodgeEntryResponse' });

export const MatchIdParams = z.strictObject({ id: z.uuid() });

export const MatchList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        matchedAt: z.string(),
        entries: z.number().int(),
        consenting: z.number().int().describe('Entries whose reporter agreed to a report being opened'),
        reported: z.number().int().describe('Entries already made into a report'),
      }),
    ),
  })
  .meta({ id: 'EscrowMatchList' });

export const MatchDetail = z
  .object({
    id: z.string(),
    matchedAt: z.string(),
    entries: z.array(
      z.object({
        id: z.string(),
        lodgedAt: z.string(),
        account: z.string(),
        identifiers: z.array(TypedIdentifier),
        consentToCase: z.boolean(),
        caseRef: z.string().nullable(),
      }),
    ),
    withheld: z.number().int().describe('Entries of this match that could not be opened for this counselor'),
  })
  .meta({ id: 'EscrowMatchDetail' });

export const OpenCasesBody = z
  .strictObject({ category: z.enum(REPORT_CATEGORIES).optional().describe('Category of the reports; `other` when left out') })
  .meta({ id: 'OpenEscrowCasesBody' });

export const OpenCasesResponse = z
  .object({
    opened: z.array(z.object({ entryId: z.string(), caseRef: z.string() })),
    awaitingConsent: z.number().int(),
  })
  .meta({ id: 'OpenEscrowCasesResponse' });
