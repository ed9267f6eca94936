/**
 * Typed calls, one per API route the console uses. Paths and shapes follow the server's route
 * files (src/ * /*.routes.ts); the types come from its zod schemas through ./schema.ts.
 */
import { queryString, request } from './client.js';
import type {
  Dashboard,
  DashboardQuery,
  AttachmentUploadResult,
  AllegationBody,
  AssignBody,
  FindingBody,
  NoteBody,
  TaskBody,
  TaskPatch,
  TransitionBody,
  ApiClockView,
  ClockKind,
  ClockPauseList,
  ClockPolicies,
  ClockPoliciesBody,
  HolidaysBody,
  Ladder,
  LadderBody,
  PauseClockBody,
  AdminUser,
  CreateUserBody,
  Enrolment,
  SecuritySettings,
  UpdateUserBody,
  ChangePasswordBody,
  RecoveryCodes,
  TotpConfirmBody,
  TotpDisableBody,
  TotpEnrolment,
  CaseDetail,
  CaseList,
  OutcomeBody,
  PartyBody,
  RecuseBody,
  ReviewDecisionBody,
  ReviewList,
  SubjectAppealBody,
  SubjectNoticeBody,
  SubjectResponseBody,
  CaseListQuery,
  CaseMessage,
  Channel,
  CreateChannelBody,
  LoginBody,
  MessageBody,
  PortalTextsBody,
  Questionnaire,
  QuestionnaireDefinition,
  StaffMe,
  UpdateChannelBody,
  AuditTrail,
  AuditTrailQuery,
  CaseExport,
  CaseRecords,
} from './schema.js';

const v1 = '/api/v1';
const enc = encodeURIComponent;

export const auth = {
  me: () => request<StaffMe>('GET', `${v1}/auth/me`),
  login: (body: LoginBody) => request<StaffMe>('POST', `${v1}/auth/login`, body),
  logout: () => request<void>('POST', `${v1}/auth/logout`),
  logoutEverywhere: () => request<void>('POST', `${v1}/auth/logout-all`),
  changePassword: (body: ChangePasswordBody) => request<void>('POST', `${v1}/auth/password`, body),
  startTotp: () => request<TotpEnrolment>('POST', `${v1}/auth/totp/enrol`),
  confirmTotp: (body: TotpConfirmBody) => request<RecoveryCodes>('POST', `${v1}/auth/totp/confirm`, body),
  newRecoveryCodes: (body: TotpConfirmBody) => request<RecoveryCodes>('POST', `${v1}/auth/totp/recovery-codes`, body),
  disableTotp: (body: TotpDisableBody) => request<void>('POST', `${v1}/auth/totp/disable`, body),
};

export const cases = {
  list: (query: CaseListQuery) => request<CaseList>('GET', `${v1}/cases${queryString(query)}`),
  get: (id: string) => request<CaseDetail>('GET', `${v1}/cases/${enc(id)}`),
  acknowledge: (id: string) => request<unknown>('POST', `${v1}/cases/${enc(id)}/acknowledge`),
  sendMessage: (id: string, body: MessageBody) => request<CaseMessage>('POST', `${v1}/cases/${enc(id)}/messages`, body),
  giveFeedback: (id: string, body: MessageBody) => request<CaseMessage>('POST', `${v1}/cases/${enc(id)}/feedback`, body),
  transition: (id: string, body: TransitionBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/transitions`, body),
  addAllegation: (id: string, body: AllegationBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/allegations`, body),
  recordFinding: (id: string, allegationId: string, body: FindingBody) =>
    request<unknown>('PUT', `${v1}/cases/${enc(id)}/allegations/${enc(allegationId)}/finding`, body),
  addNote: (id: string, body: NoteBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/notes`, body),
  addTask: (id: string, body: TaskBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/tasks`, body),
  updateTask: (id: string, taskId: string, body: TaskPatch) => request<unknown>('PATCH', `${v1}/cases/${enc(id)}/tasks/${enc(taskId)}`, body),
  assign: (id: string, body: AssignBody) => request<unknown>('PUT', `${v1}/cases/${enc(id)}/assignee`, body),
  addParty: (id: string, body: PartyBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/parties`, body),
  recuse: (id: string, body: RecuseBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/recuse`, body),
  recordNotice: (id: string, body: SubjectNoticeBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/subject-notices`, body),
  recordResponse: (id: string, body: SubjectResponseBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/subject-responses`, body),
  recordOutcome: (id: string, body: OutcomeBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/outcome`, body),
  recordSubjectAppeal: (id: string, body: SubjectAppealBody) => request<unknown>('POST', `${v1}/cases/${enc(id)}/subject-appeals`, body),
  attachmentUrl: (id: string, attachmentId: string) => `${v1}/cases/${enc(id)}/attachments/${enc(attachmentId)}`,
  /** Files as multipart/form-data; metadata is stripped unless keepOriginal. */
  uploadAttachments: (id: string, files: File[], keepOriginal: boolean) => {
    const form = new FormData();
    form.set('keepOriginal', keepOriginal ? 'true' : 'false');
    for (const file of files) form.append('files', file, file.name);
    return request<AttachmentUploadResult>('POST', `${v1}/cases/${enc(id)}/attachments`, form);
  },
};

export const channels = {
  list: () => request<{ items: Channel[] }>('GET', `${v1}/channels`),
  create: (body: CreateChannelBody) => request<Channel>('POST', `${v1}/admin/channels`, body),
  update: (slug: string, body: UpdateChannelBody) => request<Channel>('PATCH', `${v1}/admin/channels/${enc(slug)}`, body),
  questionnaire: (slug: string) => request<Questionnaire>('GET', `${v1}/channels/${enc(slug)}/questionnaire`),
  publishQuestionnaire: (slug: string, body: QuestionnaireDefinition) =>
    request<Questionnaire>('PUT', `${v1}/admin/channels/${enc(slug)}/questionnaire`, body),
  setSupportResources: (body: PortalTextsBody) => request<void>('PUT', `${v1}/admin/portal`, body),
};

export const users = {
  list: () => request<{ items: AdminUser[] }>('GET', `${v1}/admin/users`),
  invite: (body: CreateUserBody) => request<Enrolment>('POST', `${v1}/admin/users`, body),
  update: (id: string, body: UpdateUserBody) => request<AdminUser>('PATCH', `${v1}/admin/users/${enc(id)}`, body),
  withdrawInvitation: (id: string) => request<void>('DELETE', `${v1}/admin/users/${enc(id)}`),
  unlock: (id: string) => request<AdminUser>('POST', `${v1}/admin/users/${enc(id)}/unlock`),
  reissueEnrolment: (id: string) => request<Enrolment>('POST', `${v1}/admin/users/${enc(id)}/enrolment`),
  security: () => request<SecuritySettings>('GET', `${v1}/admin/security`),
  setSecurity: (body: SecuritySettings) => request<SecuritySettings>('PUT', `${v1}/admin/security`, body),
};

export const clocks = {
  pause: (id: string, kind: ClockKind, body: PauseClockBody) => request<ApiClockView>('POST', `${v1}/cases/${enc(id)}/clocks/${enc(kind)}/pause`, body),
  resume: (id: string, kind: ClockKind) => request<ApiClockView>('POST', `${v1}/cases/${enc(id)}/clocks/${enc(kind)}/resume`),
  pauses: () => request<ClockPauseList>('GET', `${v1}/oversight/clock-pauses`),
  policies: (slug: string) => request<ClockPolicies>('GET', `${v1}/admin/channels/${enc(slug)}/clock-policies`),
  setPolicies: (slug: string, body: ClockPoliciesBody) => request<ClockPolicies>('PUT', `${v1}/admin/channels/${enc(slug)}/clock-policies`, body),
  setHolidays: (slug: string, body: HolidaysBody) => request<ClockPolicies>('PUT', `${v1}/admin/channels/${enc(slug)}/holidays`, body),
  ladder: (slug: string) => request<Ladder>('GET', `${v1}/admin/channels/${enc(slug)}/ladder`),
  setLadder: (slug: string, body: LadderBody) => request<Ladder>('PUT', `${v1}/admin/channels/${enc(slug)}/ladder`, body),
};

export const retaliation = {
  reviews: () => request<ReviewList>('GET', `${v1}/oversight/retaliation-reviews`),
  decide: (caseId: string, body: ReviewDecisionBody) => request<unknown>('POST', `${v1}/oversight/retaliation-reviews/${enc(caseId)}/decision`, body),
};

export const records = {
  auditTrail: (query: AuditTrailQuery) => request<AuditTrail>('GET', `${v1}/audit${queryString(query)}`),
  caseRecords: (id: string) => request<CaseRecords>('GET', `${v1}/cases/${enc(id)}/records`),
  placeHold: (id: string, reason: string) => request<unknown>('POST', `${v1}/cases/${enc(id)}/holds`, { reason }),
  liftHold: (id: string, holdId: string, reason: string) => request<unknown>('POST', `${v1}/cases/${enc(id)}/holds/${enc(holdId)}/lift`, { reason }),
  requestExport: (id: string, purpose: string) => request<CaseExport>('POST', `${v1}/cases/${enc(id)}/exports`, { purpose }),
  decideExport: (exportId: string, decision: 'approve' | 'refuse') => request<CaseExport>('POST', `${v1}/exports/${enc(exportId)}/${decision}`),
  bundleUrl: (exportId: string) => `${v1}/exports/${enc(exportId)}/bundle`,
};

export const analytics = {
  dashboard: (query: DashboardQuery) => request<Dashboard>('GET', `${v1}/analytics/dashboard${queryString(query)}`),
  boardReportUrl: (quarter: string) => `${v1}/analytics/board-report${queryString({ quarter })}`,
};
