/**
 * Typed calls, one per API route the console uses. Paths and shapes follow the server's route
 * files (src/ * /*.routes.ts); the types come from its zod schemas through ./schema.ts.
 */
import { queryString, request } from './client.js';
import type {
  CaseDetail,
  CaseList,
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
} from './schema.js';

const v1 = '/api/v1';
const enc = encodeURIComponent;

export const auth = {
  me: () => request<StaffMe>('GET', `${v1}/auth/me`),
  login: (body: LoginBody) => request<StaffMe>('POST', `${v1}/auth/login`, body),
  logout: () => request<void>('POST', `${v1}/auth/logout`),
  logoutEverywhere: () => request<void>('POST', `${v1}/auth/logout-all`),
};

export const cases = {
  list: (query: CaseListQuery) => request<CaseList>('GET', `${v1}/cases${queryString(query)}`),
  get: (id: string) => request<CaseDetail>('GET', `${v1}/cases/${enc(id)}`),
  acknowledge: (id: string) => request<unknown>('POST', `${v1}/cases/${enc(id)}/acknowledge`),
  sendMessage: (id: string, body: MessageBody) => request<CaseMessage>('POST', `${v1}/cases/${enc(id)}/messages`, body),
  attachmentUrl: (id: string, attachmentId: string) => `${v1}/cases/${enc(id)}/attachments/${enc(attachmentId)}`,
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
