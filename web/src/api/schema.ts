/**
 * The API's request and response types, inferred from the server's own zod schemas. Only types
 * cross over (every import here is `import type`, erased at build time), so the console bundle
 * carries no server code, and a change to a schema that the console does not follow fails
 * `npm run typecheck` instead of failing in a browser.
 */
import type { z } from 'zod';
import type { AttachmentSummary as AttachmentSummarySchema } from '@server/attachments/attachment.schema.js';
import type {
  CaseDetail as CaseDetailSchema,
  CaseList as CaseListSchema,
  CaseListQuery as CaseListQuerySchema,
  CaseMessage as CaseMessageSchema,
  CaseSummary as CaseSummarySchema,
  MessageBody as MessageBodySchema,
} from '@server/cases/case.schema.js';
import type { CaseStatus as CaseStatusType } from '@server/cases/case.rules.js';
import type {
  Channel as ChannelSchema,
  CreateChannelBody as CreateChannelBodySchema,
  PortalTextsBody as PortalTextsBodySchema,
  UpdateChannelBody as UpdateChannelBodySchema,
} from '@server/channels/channel.schema.js';
import type { LoginBody as LoginBodySchema, StaffMe as StaffMeSchema, STAFF_ROLES } from '@server/identity/identity.schema.js';
import type { ErrorBody as ErrorBodySchema } from '@server/kernel/http/errors.js';
import type {
  LocalizedText as LocalizedTextSchema,
  Question as QuestionSchema,
  Questionnaire as QuestionnaireSchema,
  QuestionnaireDefinition as QuestionnaireDefinitionSchema,
  BUILTIN_QUESTIONS,
  PORTAL_LANGUAGES,
} from '@server/questionnaires/questionnaire.schema.js';

export type StaffRole = (typeof STAFF_ROLES)[number];
export type StaffMe = z.infer<typeof StaffMeSchema>;
export type LoginBody = z.input<typeof LoginBodySchema>;

export type CaseStatus = CaseStatusType;
/** What the inbox may ask for; every field optional (the server defaults the page size). */
export type CaseListQuery = Partial<z.output<typeof CaseListQuerySchema>>;
export type CaseSummary = z.infer<typeof CaseSummarySchema>;
export type CaseList = z.infer<typeof CaseListSchema>;
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
export type CaseMessage = z.infer<typeof CaseMessageSchema>;
export type MessageBody = z.input<typeof MessageBodySchema>;
export type AttachmentSummary = z.infer<typeof AttachmentSummarySchema>;

export type Channel = z.infer<typeof ChannelSchema>;
export type CreateChannelBody = z.input<typeof CreateChannelBodySchema>;
export type UpdateChannelBody = z.input<typeof UpdateChannelBodySchema>;
export type PortalTextsBody = z.input<typeof PortalTextsBodySchema>;

export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];
export type BuiltinQuestion = (typeof BUILTIN_QUESTIONS)[number];
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;
export type Question = z.input<typeof QuestionSchema>;
export type QuestionnaireDefinition = z.input<typeof QuestionnaireDefinitionSchema>;
export type Questionnaire = z.infer<typeof QuestionnaireSchema>;

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
