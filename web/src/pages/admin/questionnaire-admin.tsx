import { useEffect, useState, type FormEvent } from 'react';
import { channels } from '../../api/endpoints.js';
import type { BuiltinQuestion, Question, QuestionnaireDefinition } from '../../api/schema.js';
import { ChannelPicker } from '../../components/channel-picker.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { useApi } from '../../use-api.js';

const BUILTIN_LABELS: Record<BuiltinQuestion, string> = {
  category: 'What kind of problem (category)',
  narrative: 'What happened (the account itself; required)',
  when: 'When it happened',
  where: 'Where it happened',
  subjects: 'Who it is about',
  witnesses: 'Witnesses',
  supporters: 'Supporters (people who stand by the reporter)',
  excluded: 'People who must not see the report',
  outcome: 'What the reporter hopes for',
  safety: 'Whether the reporter is safe now',
};
const BUILTINS = Object.keys(BUILTIN_LABELS) as BuiltinQuestion[];

/**
 * A channel's questionnaire: the built-in questions in the order the portal asks them, and the
 * channel's own. Publishing makes a new version; reports already made keep the version they answered.
 */
export function QuestionnaireAdmin() {
  return <ChannelPicker id="q-channel">{(slug) => <QuestionnaireEditor key={slug} slug={slug} />}</ChannelPicker>;
}

function QuestionnaireEditor({ slug }: { slug: string }) {
  const current = useApi(() => channels.questionnaire(slug), [slug]);
  const [questions, setQuestions] = useState<Question[]>();
  const [error, setError] = useState<unknown>();
  const [published, setPublished] = useState('');

  useEffect(() => {
    if (current.data) setQuestions(current.data.definition.questions);
  }, [current.data]);

  if (current.error !== undefined) return <ErrorNotice error={current.error} />;
  if (!current.data || !questions) return <Loading what="the questionnaire" />;

  const update = (index: number, question: Question) => setQuestions(questions.map((each, at) => (at === index ? question : each)));
  const move = (index: number, by: number) => {
    const next = [...questions];
    const [taken] = next.splice(index, 1);
    next.splice(index + by, 0, taken!);
    setQuestions(next);
  };
  const remove = (index: number) => setQuestions(questions.filter((_, at) => at !== index));
  const missing = BUILTINS.filter((id) => !questions.some((question) => question.kind === 'builtin' && question.id === id));

  async function publish(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setPublished('');
    try {
      const definition: QuestionnaireDefinition = { questions: questions! };
      const saved = await channels.publishQuestionnaire(slug, definition);
      setPublished(`Published as version ${saved.version}. New reports on this channel use it from now on.`);
      await current.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form onSubmit={publish} aria-label={`Questionnaire of ${slug}`}>
      <p>
        Version {current.data.version} is live{current.data.version === 0 ? ' (the built-in questionnaire)' : ''}.
      </p>
      <ol className="questions">
        {questions.map((question, index) => (
          <li key={`${question.kind}-${index}`} className="card question-card">
            <QuestionFields question={question} index={index} onChange={(next) => update(index, next)} />
            <div className="question-tools">
              <button type="button" className="secondary small-button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move question ${index + 1} up`}>
                Up
              </button>
              <button
                type="button"
                className="secondary small-button"
                disabled={index === questions.length - 1}
                onClick={() => move(index, 1)}
                aria-label={`Move question ${index + 1} down`}
              >
                Down
              </button>
              {!(question.kind === 'builtin' && question.id === 'narrative') && (
                <button type="button" className="secondary small-button" onClick={() => remove(index)} aria-label={`Remove question ${index + 1}`}>
                  Remove
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={() => setQuestions([...questions, { kind: 'text', id: '', label: { en: '' }, multiline: false }])}>
          Add a text question
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setQuestions([
              ...questions,
              { kind: 'choice', id: '', label: { en: '' }, options: [{ value: '', label: { en: '' } }, { value: '', label: { en: '' } }] },
            ])
          }
        >
          Add a choice question
        </button>
        {missing.map((id) => (
          <button key={id} type="button" className="secondary" onClick={() => setQuestions([...questions, { kind: 'builtin', id }])}>
            Add built-in: {BUILTIN_LABELS[id]}
          </button>
        ))}
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Publish a new version
        </button>
        <span role="status">{published}</span>
      </div>
    </form>
  );
}

function QuestionFields({ question, index, onChange }: { question: Question; index: number; onChange(next: Question): void }) {
  const id = `q${index}`;
  if (question.kind === 'builtin') {
    return (
      <p className="question-title">
        <span className="muted">{index + 1}. Built-in:</span> {BUILTIN_LABELS[question.id]}
      </p>
    );
  }
  return (
    <fieldset>
      <legend>
        {index + 1}. {question.kind === 'text' ? 'Text question' : 'Choice question'}
      </legend>
      <div className="pair">
        <div className="field">
          <label htmlFor={`${id}-id`}>Identifier</label>
          <input id={`${id}-id`} type="text" value={question.id} onChange={(event) => onChange({ ...question, id: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Question (English)</label>
          <input id={`${id}-label`} type="text" value={question.label.en} onChange={(event) => onChange({ ...question, label: { ...question.label, en: event.target.value } })} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-help`}>Help text (English, optional)</label>
        <input
          id={`${id}-help`}
          type="text"
          value={question.help?.en ?? ''}
          onChange={(event) => onChange({ ...question, help: event.target.value ? { ...(question.help ?? {}), en: event.target.value } : undefined })}
        />
      </div>
      {question.kind === 'text' && (
        <div className="check">
          <input id={`${id}-multiline`} type="checkbox" checked={question.multiline ?? false} onChange={(event) => onChange({ ...question, multiline: event.target.checked })} />
          <label htmlFor={`${id}-multiline`}>Long answer (several lines)</label>
        </div>
      )}
      {question.kind === 'choice' && (
        <fieldset className="options">
          <legend>Options</legend>
          {question.options.map((option, at) => (
            <div key={at} className="pair option-row">
              <div className="field">
                <label htmlFor={`${id}-o${at}-value`}>Option {at + 1} value</label>
                <input
                  id={`${id}-o${at}-value`}
                  type="text"
                  value={option.value}
                  onChange={(event) => onChange({ ...question, options: question.options.map((each, i) => (i === at ? { ...each, value: event.target.value } : each)) })}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-o${at}-label`}>Option {at + 1} label (English)</label>
                <input
                  id={`${id}-o${at}-label`}
                  type="text"
                  value={option.label.en}
                  onChange={(event) =>
                    onChange({ ...question, options: question.options.map((each, i) => (i === at ? { ...each, label: { ...each.label, en: event.target.value } } : each)) })
                  }
                />
              </div>
            </div>
          ))}
          <button type="button" className="secondary small-button" onClick={() => onChange({ ...question, options: [...question.options, { value: '', label: { en: '' } }] })}>
            Add an option
          </button>
        </fieldset>
      )}
    </fieldset>
  );
}
