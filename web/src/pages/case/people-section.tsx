import { useState, type FormEvent } from 'react';
import { cases } from '../../api/endpoints.js';
import type { CaseDetail, PartyBody } from '../../api/schema.js';
import { ErrorNotice } from '../../components/page.js';
import { formatDate } from '../../format.js';
import { useAction } from '../../use-action.js';

const KIND_LABELS: Record<CaseDetail['parties'][number]['kind'], string> = { subject: 'Subject', witness: 'Witness', supporter: 'Supporter' };
const REASON_LABELS: Record<string, string> = {
  subject: 'a subject',
  'management-chain': "in a subject's management chain",
  'must-not-see': 'named as must not see',
  'declared-conflict': 'declared a conflict with a subject',
};

/**
 * The people of the case: subjects, witnesses and supporters (protected against retaliation once
 * linked to the directory), what conflict routing matched at intake and whom it kept the case
 * from, adding a party, and recusing.
 */
export function PeopleSection({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
  const [kind, setKind] = useState<PartyBody['kind']>('supporter');
  const [name, setName] = useState('');
  const [employeeId, setEmployeeId] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [reason, setReason] = useState('');
  const add = useAction();
  const recuse = useAction();

  async function addParty(event: FormEvent) {
    event.preventDefault();
    const body: PartyBody = { kind, name, ...(employeeId.trim() ? { employeeId: employeeId.trim() } : {}), ...(organisation.trim() ? { organisation: organisation.trim() } : {}) };
    if (await add.run(() => cases.addParty(detail.id, body), `${KIND_LABELS[kind]} added.`)) {
      setName('');
      setEmployeeId('');
      setOrganisation('');
      await onChanged();
    }
  }

  async function recuseNow(event: FormEvent) {
    event.preventDefault();
    if (await recuse.run(() => cases.recuse(detail.id, { reason }), 'You recused from this case.')) window.location.assign('/console');
  }

  return (
    <section className="card" aria-labelledby="people-heading">
      <h2 id="people-heading">People</h2>
      {detail.parties.length === 0 ? (
        <p className="muted">Nobody named yet.</p>
      ) : (
        <ul className="people">
          {detail.parties.map((party) => (
            <li key={party.id}>
              <strong>{party.name}</strong> <span className="badge">{KIND_LABELS[party.kind]}</span>
              {party.relationship && <span>, {party.relationship}</span>}
              {party.organisation && <span className="muted"> ({party.organisation})</span>}
              {party.contact && <span className="muted"> · {party.contact}</span>}
              <br />
              <span className="small muted">
                {party.employeeId
                  ? `Employee ${party.employeeId}`
                  : party.matchedEmployeeIds.length > 1
                    ? `Ambiguous: matches employees ${party.matchedEmployeeIds.join(', ')}`
                    : party.kind === 'subject'
                      ? 'Not in the directory (outsider or unknown)'
                      : 'Not linked to the directory'}
                {party.protectedUntil && ` · protected until ${formatDate(party.protectedUntil)}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {detail.routing && (
        <>
          <h3>Conflict routing</h3>
          <p className="small">
            {detail.routing.routedTo === 'oversight' ? 'Every handler of the channel was in conflict: oversight received this case.' : "The channel's handlers received this case."} Management chain depth: {detail.routing.chainDepth}.
          </p>
          {detail.routing.excluded.length === 0 ? (
            <p className="small muted">Nobody on the staff was matched; nobody was kept from the case.</p>
          ) : (
            <>
              <p className="small muted">Kept from this case (they hold no key and are not told):</p>
              <ul className="people">
                {detail.routing.excluded.map((person, index) => (
                  <li key={index}>
                    {person.name} <span className="small muted">({person.reasons.map((r) => REASON_LABELS[r] ?? r).join('; ')})</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {detail.routing.mustNotSee.length > 0 && (
            <ul className="small">
              {detail.routing.mustNotSee.map((person, index) => (
                <li key={index}>
                  “{person.name}”: {person.staff} staff account(s), {person.employees.length} employee(s) matched
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form onSubmit={addParty} className="compose">
        <h3>Add a person</h3>
        <div className="field">
          <label htmlFor="f-party-kind">Role</label>
          <select id="f-party-kind" value={kind} onChange={(event) => setKind(event.target.value as PartyBody['kind'])}>
            <option value="supporter">Supporter (protected)</option>
            <option value="witness">Witness (protected)</option>
            <option value="subject">Subject</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-party-name">Name</label>
          <input id="f-party-name" value={name} onChange={(event) => setName(event.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="f-party-employee">Employee id (optional)</label>
          <input id="f-party-employee" value={employeeId} onChange={(event) => setEmployeeId(event.target.value)} aria-describedby="f-party-employee-help" />
          <p id="f-party-employee-help" className="help">
            With an employee id, a witness or supporter is protected against retaliation; for a subject, anyone holding this case who is in conflict with them loses their key.
          </p>
        </div>
        <div className="field">
          <label htmlFor="f-party-org">Organisation, for people outside the company (optional)</label>
          <input id="f-party-org" value={organisation} onChange={(event) => setOrganisation(event.target.value)} />
        </div>
        {add.error !== undefined && <ErrorNotice error={add.error} />}
        <button type="submit" className="secondary" disabled={add.busy}>
          Add the person
        </button>
        <span className="visually-hidden" role="status">
          {add.done}
        </span>
      </form>
      <form onSubmit={recuseNow} className="compose">
        <h3>Recuse</h3>
        <div className="field">
          <label htmlFor="f-recuse-reason">Why you should not handle this case</label>
          <textarea id="f-recuse-reason" rows={2} value={reason} onChange={(event) => setReason(event.target.value)} aria-describedby="f-recuse-help" />
          <p id="f-recuse-help" className="help">
            Your copy of the case key is destroyed: you will no longer be able to open this case. If nobody else can read it, oversight takes it.
          </p>
        </div>
        {recuse.error !== undefined && <ErrorNotice error={recuse.error} />}
        <button type="submit" className="secondary" disabled={recuse.busy || reason.trim() === ''}>
          Recuse from this case
        </button>
        <span className="visually-hidden" role="status">
          {recuse.done}
        </span>
      </form>
    </section>
  );
}
