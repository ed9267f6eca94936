/**
 * The API's request and response types, inferred from the server's own zod schemas. Only types
 * cross over (every import here is `import type`, erased at build time), so the console bundle
 * carries no server code, and a change to a schema that the console does not follow fails
 * `npm run typecheck` instead of failing in a browser.
 */
import type { z } from 'zod';
import type { Dashboard as DashboardSchema, DashboardQuery as DashboardQuerySchema, Figure as FigureSchema, FigureTable as FigureTableSchema } from '@server/analytics/analytics.schema.js';
import type { AttachmentSummary as AttachmentSummarySchema, AttachmentUploadResult as AttachmentUploadResultSchema } from '@server/attachments/attachment.schema.js';
import type {
  CaseDetail as CaseDetailSchema,
  CaseList as CaseListSchema,
  CaseListQuery as CaseListQuerySchema,
  CaseMessage as CaseMessageSchema,
  CaseSummary as CaseSummarySchema,
  MessageBody as MessageBodySchema,
  AllegationBody as AllegationBodySchema,
  AssignBody as AssignBodySchema,
  FindingBody as FindingBodySchema,
  NoteBody as NoteBodySchema,
  TaskBody as TaskBodySchema,
  TaskPatch as TaskPatchSchema,
  TransitionBody as TransitionBodySchema,
} from '@server/cases/case.schema.js';
import type { CaseStatus as CaseStatusType, CLOSINGS, FINDINGS } from '@server/cases/case.rules.js';
import type {
  Channel as ChannelSchema,
  CreateChannelBody as CreateChannelBodySchema,
  PortalTextsBody as PortalTextsBodySchema,
  UpdateChannelBody as UpdateChannelBodySchema,
} from '@server/channels/channel.schema.js';
import type {
  ChangePasswordBody as ChangePasswordBodySchema,
  LoginBody as LoginBodySchema,
  RecoveryCodes as RecoveryCodesSchema,
  StaffMe as StaffMeSchema,
  STAFF_ROLES,
  TotpConfirmBody as TotpConfirmBodySchema,
  TotpDisableBody as TotpDisableBodySchema,
  TotpEnrolment as TotpEnrolmentSchema,
} from '@server/identity/identity.schema.js';
import type {
  AdminUser as AdminUserSchema,
  CreateUserBody as CreateUserBodySchema,
  Enrolment as EnrolmentSchema,
  SecuritySettings as SecuritySettingsSchema,
  UpdateUserBody as UpdateUserBodySchema,
} from '@server/admin/admin.schema.js';
import type { CLOCK_KINDS } from '@server/clocks/clock.rules.js';
import type {
  CaseClocks as CaseClocksSchema,
  ClockPauseList as ClockPauseListSchema,
  ClockPolicies as ClockPoliciesSchema,
  ClockPoliciesBody as ClockPoliciesBodySchema,
  ClockPolicyInput as ClockPolicyInputSchema,
  ClockView as ClockViewSchema,
  HolidaysBody as HolidaysBodySchema,
  Ladder as LadderSchema,
  LadderBody as LadderBodySchema,
  PauseClockBody as PauseClockBodySchema,
} from '@server/clocks/clock.schema.js';
import type { REPORT_CATEGORIES } from '@server/intake/intake.schema.js';
import type {
  OutcomeBody as OutcomeBodySchema,
  PartyBody as PartyBodySchema,
  RecuseBody as RecuseBodySchema,
  ReviewDecisionBody as ReviewDecisionBodySchema,
  ReviewList as ReviewListSchema,
  SubjectAppealBody as SubjectAppealBodySchema,
  SubjectNoticeBody as SubjectNoticeBodySchema,
  SubjectResponseBody as SubjectResponseBodySchema,
} from '@server/cases/party.schema.js';
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
export type ChangePasswordBody = z.input<typeof ChangePasswordBodySchema>;
export type TotpEnrolment = z.infer<typeof TotpEnrolmentSchema>;
export type TotpConfirmBody = z.input<typeof TotpConfirmBodySchema>;
export type TotpDisableBody = z.input<typeof TotpDisableBodySchema>;
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;

export type CaseStatus = CaseStatusType;
export type Closing = (typeof CLOSINGS)[number];
export type Finding = (typeof FINDINGS)[number];
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export type ClockKind = (typeof CLOCK_KINDS)[number];
/** What the inbox may ask for; every field optional (the server defaults the page size). */
export type CaseListQuery = Partial<z.output<typeof CaseListQuerySchema>>;
export type CaseSummary = z.infer<typeof CaseSummarySchema>;
export type CaseList = z.infer<typeof CaseListSchema>;
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
export type CaseMessage = z.infer<typeof CaseMessageSchema>;
export type MessageBody = z.input<typeof MessageBodySchema>;
export type AttachmentSummary = z.infer<typeof AttachmentSummarySchema>;
export type AttachmentUploadResult = z.infer<typeof AttachmentUploadResultSchema>;
export type TransitionBody = z.input<typeof TransitionBodySchema>;
export type AllegationBody = z.input<typeof AllegationBodySchema>;
export type FindingBody = z.input<typeof FindingBodySchema>;
export type NoteBody = z.input<typeof NoteBodySchema>;
export type TaskBody = z.input<typeof TaskBodySchema>;
export type TaskPatch = z.input<typeof TaskPatchSchema>;
export type AssignBody = z.input<typeof AssignBodySchema>;

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

export type AdminUser = z.infer<typeof AdminUserSchema>;
export type CreateUserBody = z.input<typeof CreateUserBodySchema>;
export type UpdateUserBody = z.input<typeof UpdateUserBodySchema>;
export type Enrolment = z.infer<typeof EnrolmentSchema>;
export type SecuritySettings = z.infer<typeof SecuritySettingsSchema>;

export type CaseClocks = z.infer<typeof CaseClocksSchema>;
export type ApiClockView = z.infer<typeof ClockViewSchema>;
export type ClockPauseList = z.infer<typeof ClockPauseListSchema>;
export type PauseClockBody = z.input<typeof PauseClockBodySchema>;
export type ClockPolicies = z.infer<typeof ClockPoliciesSchema>;
export type ClockPolicyInput = z.input<typeof ClockPolicyInputSchema>;
export type ClockPoliciesBody = z.input<typeof ClockPoliciesBodySchema>;
export type HolidaysBody = z.input<typeof HolidaysBodySchema>;
export type Ladder = z.infer<typeof LadderSchema>;
export type LadderBody = z.input<typeof LadderBodySchema>;

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export type PartyBody = z.input<typeof PartyBodySchema>;
export type RecuseBody = z.input<typeof RecuseBodySchema>;
export type SubjectNoticeBody = z.input<typeof SubjectNoticeBodySchema>;
export type SubjectResponseBody = z.input<typeof SubjectResponseBodySchema>;
export type OutcomeBody = z.input<typeof OutcomeBodySchema>;
export type SubjectAppealBody = z.input<typeof SubjectAppealBodySchema>;
export type ReviewDecisionBody = z.input<typeof ReviewDecisionBodySchema>;
export type ReviewList = z.infer<typeof ReviewListSchema>;
import type {
  AuditEntry as AuditEntrySchema,
  AuditTrail as AuditTrailSchema,
  AuditTrailQuery as AuditTrailQuerySchema,
  CaseExport as CaseExportSchema,
  CaseRecords as CaseRecordsSchema,
} from '@server/records/records.schema.js';

export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditTrail = z.infer<typeof AuditTrailSchema>;
export type AuditTrailQuery = Partial<z.output<typeof AuditTrailQuerySchema>>;
export type CaseExport = z.infer<typeof CaseExportSchema>;
export type CaseRecords = z.infer<typeof CaseRecordsSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type DashboardQuery = z.input<typeof DashboardQuerySchema>;
export type AnalyticsFigure = z.infer<typeof FigureSchema>;
export type AnalyticsTable = z.infer<typeof FigureTableSchema>;
