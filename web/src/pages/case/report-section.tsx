import type { CaseDetail } from '../../api/schema.js';
import { formatDate } from '../../format.js';

const SAFE_NOW: Record<string, string> = { yes: 'Yes', no: 'No: the reporter said they are not safe', unsure: 'Not sure' };

/** What the reporter wrote, as they wrote it, and the answers to the channel's own questions. */
export function ReportSection({ detail }: { detail: CaseDetail }) {
  return (
    <section className="card" aria-labelledby="account-heading">
      <h2 id="account-heading">The reporter's account</h2>
      {detail.safeNow === 'no' && (
        <p className="notice notice-urgent">
          <strong>The reporter said they are not safe.</strong> Consider this first when you reply.
        </p>
      )}
      <div className="narrative">{detail.narrative}</div>
      <dl className="facts">
        {detail.occurredAt && <Fact term="When it happened" value={detail.occurredAt} />}
        {detail.location && <Fact term="Where" value={detail.location} />}
        {detail.outcome && <Fact term="What the reporter hopes for" value={detail.outcome} />}
        {detail.safeNow && <Fact term="Safe now" value={SAFE_NOW[detail.safeNow] ?? detail.safeNow} />}
        {detail.answers.map((answer) => (
          <Fact key={answer.id} term={answer.question} value={answer.answer} />
        ))}
      </dl>
      <h3>Reporter</h3>
      {detail.reporter ? (
        <dl className="facts">
          <Fact term="Name" value={detail.reporter.name} />
          {detail.reporter.email && <Fact term="E-mail" value={detail.reporter.email} />}
          {detail.reporter.phone && <Fact term="Phone" value={detail.reporter.phone} />}
        </dl>
      ) : (
        <p className="muted">Anonymous: Candor does not know who made this report. Reach them through the messages below.</p>
      )}
      <p className="small muted">
        Received {formatDate(detail.receivedAt)}
        {detail.questionnaireVersion !== null && `, questionnaire version ${detail.questionnaireVersion}`}.
      </p>
    </section>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}
