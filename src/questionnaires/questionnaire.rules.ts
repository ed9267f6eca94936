/** The default questionnaire and answer checks. Pure. */
import { BUILTIN_QUESTIONS, type Question, type QuestionnaireDefinition } from './questionnaire.schema.js';

/** Version 0: what every channel asks until an admin publishes its own definition. */
export const DEFAULT_QUESTIONNAIRE: QuestionnaireDefinition = {
  questions: BUILTIN_QUESTIONS.map((id) => ({ kind: 'builtin' as const, id })),
};

export function customQuestions(definition: QuestionnaireDefinition): Exclude<Question, { kind: 'builtin' }>[] {
  return definition.questions.filter((question): question is Exclude<Question, { kind: 'builtin' }> => question.kind !== 'builtin');
}

export function asksBuiltin(definition: QuestionnaireDefinition, id: (typeof BUILTIN_QUESTIONS)[number]): boolean {
  return definition.questions.some((question) => question.kind === 'builtin' && question.id === id);
}

/** The answers to custom questions that fit the definition; anything else is reported by question id. */
export function checkCustomAnswers(definition: QuestionnaireDefinition, answers: Record<string, string>): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const known = new Map(customQuestions(definition).map((question) => [question.id, question]));
  for (const [id, value] of Object.entries(answers)) {
    const question = known.get(id);
    if (!question) problems[`answers.${id}`] = ['is not a question of this questionnaire'];
    else if (question.kind === 'choice' && value !== '' && !question.options.some((option) => option.value === value) && !SPECIAL_ANSWERS.includes(value)) {
      problems[`answers.${id}`] = ['is not one of the options'];
    }
  }
  return problems;
}

/** Always allowed, for every question. */
export const SPECIAL_ANSWERS = ['dont-know', 'rather-not-say'];
