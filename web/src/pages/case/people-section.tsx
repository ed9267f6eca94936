import type { CaseDetail } from '../../api/schema.js';

/** Subjects, witnesses and the people the reporter excluded (who hold no key to this case). */
export function PeopleSection({ detail }: { detail: CaseDetail }) {
  return (
    <section className="card" aria-labelledby="people-heading">
      <h2 id="people-heading">People</h2>
      <h3>Subjects</h3>
      {detail.subjects.length === 0 ? (
        <p className="muted">None named.</p>
      ) : (
        <ul className="people">
          {detail.subjects.map((subject, index) => (
            <li key={index}>
              <strong>{subject.name}</strong>
              {subject.relationship && <span>, {subject.relationship}</span>}
              {subject.organisation && <span className="muted"> ({subject.organisation})</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Witnesses</h3>
      {detail.witnesses.length === 0 ? (
        <p className="muted">None named.</p>
      ) : (
        <ul className="people">
          {detail.witnesses.map((witness, index) => (
            <li key={index}>
              <strong>{witness.name}</strong>
              {witness.contact && <span className="muted"> ({witness.contact})</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Excluded by the reporter</h3>
      {detail.excluded.length === 0 ? (
        <p className="muted">Nobody.</p>
      ) : (
        <>
          <p className="small muted">These people must not see this case; Candor gave them no key to it.</p>
          <ul className="people">
            {detail.excluded.map((person, index) => (
              <li key={index}>{person.name}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
