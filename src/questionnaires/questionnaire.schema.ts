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
export const BUILTIN_QUESTIONS = ['category', 'narrative', 'when', 'where', 'subjects', 'witnesses', 'excluded', 'outcome', 'safety'] as const;
export type BuiltinQuestion = (typeof BUILTIN_QUESTIONS)[number];

const CustomId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _').refine((id) => !(BUILTIN_QUESTIONS as readonly string[]).includes(id), 'is a built-in question');

export const Question = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('builtin'), id: z.enum(BUILTIN_QUESTIONS) }),
  z.strictObject({ kind: z.literal('text'), id: CustomId, label: LocalizedText, help: LocalizedText.optional(), multiline: z.boolean().default(false) }),
  z.strictObject({
    kind: z.literal('choice'),
    id: CustomId,
    label: LocalizedText,
    help: LocalizedText.optional(),
    options: z.array(z.strictObject({ value: z.string().regex(/^[a-z0-9-]{1,40}$/), label: LocalizedText })).min(2).max(20),
  }),
]);
export type Question = z.infer<typeof Question>;

export const QuestionnaireDefinition = z
  .strictObject({ questions: z.array(Question).min(1).max(40) })
  .superRefine((definition, issues) => {
    const ids = definition.questions.map((question) => question.id);
    if (!ids.includes('narrative')) issues.addIssue({ code: 'custom', path: ['questions'], message: 'the account itself (builtin narrative) is required' });
    if (new Set(ids).size !== ids.length) issues.addIssue({ code: 'custom', path: ['questions'], message: 'question ids must be unique' });
  })
  .meta({ id: 'QuestionnaireDefinition' });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinition>;

export const Questionnaire = z
  .object({ channel: z.string(), version: z.number().int(), definition: QuestionnaireDefinition })
  .meta({ id: 'Questionnaire' });

export const ChannelSlugParams = z.strictObject({ slug: z.string().min(1).max(64) });
