import { recordAudit } from '../audit/audit.service.js';
import { findChannelBySlug } from '../channels/channel.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Queryable } from '../kernel/database.js';
import { ChannelNotFound, Forbidden, NotFound } from '../kernel/errors.js';
import { DEFAULT_QUESTIONNAIRE } from './questionnaire.rules.js';
import { StoredQuestionnaireDefinition, type QuestionnaireDefinition as Definition } from './questionnaire.schema.js';
import { findLatestQuestionnaire, findQuestionnaireVersion, insertQuestionnaire } from './questionnaire.repository.js';

export interface VersionedQuestionnaire {
  version: number;
  definition: Definition;
}

/** The questionnaire a channel asks now: its latest published version, or the built-in default (version 0). */
export async function currentQuestionnaire(db: Queryable, channelId: string): Promise<VersionedQuestionnaire> {
  const row = await findLatestQuestionnaire(db, channelId);
  return row ? { version: row.version, definition: StoredQuestionnaireDefinition.parse(JSON.parse(row.definition)) } : { version: 0, definition: DEFAULT_QUESTIONNAIRE };
}

/** One version exactly as it was published, so an old report is always read against its own questions. */
export async function questionnaireVersion(db: Queryable, channelId: string, version: number): Promise<VersionedQuestionnaire | null> {
  if (version === 0) return { version: 0, definition: DEFAULT_QUESTIONNAIRE };
  const row = await findQuestionnaireVersion(db, channelId, version);
  return row ? { version, definition: StoredQuestionnaireDefinition.parse(JSON.parse(row.definition)) } : null;
}

export async function getChannelQuestionnaire(ctx: AppContext, slug: string, version?: number) {
  const channel = await findChannelBySlug(ctx.db, slug);
  if (!channel) throw new NotFound('unknown_channel', 'There is no such reporting channel.');
  const found = version === undefined ? await currentQuestionnaire(ctx.db, channel.id) : await questionnaireVersion(ctx.db, channel.id, version);
  if (!found) throw new NotFound('unknown_questionnaire_version', 'This channel has no such questionnaire version.');
  return { channel: channel.slug, ...found };
}

/** Publishes a new version; earlier versions stay as they were. Admins only. */
export async function publishQuestionnaire(ctx: AppContext, principal: StaffPrincipal, slug: string, definition: Definition) {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can change questionnaires.');
  return inTransaction(ctx, async (tx) => {
    const channel = await findChannelBySlug(tx, slug);
    if (!channel) throw new ChannelNotFound();
    const latest = await findLatestQuestionnaire(tx, channel.id);
    const version = (latest?.version ?? 0) + 1;
    const now = ctx.clock.now();
    await insertQuestionnaire(tx, { channelId: channel.id, version, definition: JSON.stringify(definition), createdAt: now.toISOString(), createdBy: principal.userId });
    await recordAudit(tx, ctx.dialect, now, {
      actor: { type: 'staff', id: principal.userId },
      action: 'questionnaire.publish',
      targetId: channel.id,
      details: { version, questions: definition.questions.length },
    });
    return { channel: channel.slug, version, definition };
  });
}
