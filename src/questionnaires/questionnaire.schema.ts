import { z } from 'zod';

export const PORTAL_LANGUAGES = ['en', 'zh', 'de', 'fr', 'es'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

/** Text an admin writes for a custom question: English required, other languages optional (English is the fallback). */
export const LocalizedText = z
  .object({ en: z.string().min(1).max(2000) })
  .catchall(z.string().max(2000))
  .refine((text) => Object.keys(text).every((lang) => (PORTAL_LANGUAGES as readonly string[]).includes(lang)), 'unknown language')
  .meta({ id: 'LocalizedText' });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** The built-in questions, written with care for people who have been hurt; their wording lives in the message catalogues. */
export const BUILTIN_QUESTIONS = ['category', 'narrative', 'when', 'where', 'subjects', 'witnesses', 'supporters', 'excluded', 'outcome', 'safety'] as const;
export type BuiltinQuestion = (typeof BUILTIN_QUESTIONS)[number];

/**
 * Built-in ids added after admins could publish custom questions of their own: a version stored
 * before may hold a custom question under one of them, and must still be read (reports were
 * answered under it). A new version may not use them.
 */
const LATER_BUILTINS: readonly string[] = ['supporters'];

function questionSchema(reservedIds: readonly string[]) {
  const customId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _').refine((id) => !reservedIds.includes(id), 'is a built-in question');
  return z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('builtin'), id: z.enum(BUILTIN_QUESTIONS) }),
    z.strictObject({ kind: z.literal('text'), id: customId, label: LocalizedText, help: LocalizedText.optional(), multiline: z.boolean().default(false) }),
    z.strictObject({
      kind: z.literal('choice'),
      id: customId,
      label: LocalizedText,
      help: LocalizedText.optional(),
      options: z.array(z.strictObject({ value: z.string().regex(/^[a-z0-9-]{1,40}$/), label: LocalizedText })).min(2).max(20),
    }),
  ]);
}

function definitionSchema(question: ReturnType<typeof questionSchema>) {
  return z.strictObject({ questions: z.array(question).min(1).max(40) }).superRefine((definition, issues) => {
    const ids = definition.questions.map((each) => each.id);
    if (!ids.includes('narrative')) issues.addIssue({ code: 'custom', path: ['questions'], message: 'the account itself (builtin narrative) is required' });
    if (new Set(ids).size !== ids.length) issues.addIssue({ code: 'custom', path: ['questions'], message: 'question ids must be unique' });
  });
}

export const Question = questionSchema(BUILTIN_QUESTIONS);
export type Question = z.infer<typeof Question>;

/** A definition as an admin publishes it. */
export const QuestionnaireDefinition = definitionSchema(Question).meta({ id: 'QuestionnaireDefinition' });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

/** A definition as it was stored: a custom question may carry an id that became built-in later. */
export const StoredQuestionnaireDefinition = definitionSchema(questionSchema(BUILTIN_QUESTIONS.filter((id) => !LATER_BUILTINS.includes(id))));

export const Questionnaire = z
  .object({ channel: z.string(), version: z.number().int(), definition: QuestionnaireDefinition })
  .meta({ id: 'Questionnaire' });

export const ChannelSlugParams = z.strictObject({ slug: z.string().min(1).max(64) });
