import { useState, type FormEvent } from 'react';
import { records } from '../../api/endpoints.js';
import type { CaseExport } from '../../api/schema.js';
import { ErrorNotice, Loading } from '../../components/page.js';
import { formatDate, formatDateTime } from '../../format.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useAction } from '../../use-action.js';
import { useApi } from '../../use-api.js';

const EXPORT_STATES: Record<CaseExport['state'], string> = {
  pending: 'waiting for a second approver',
  approved: 'approved',
  refused: 'refused',
  downloaded: 'exported',
};

/**
 * The case as a record: how long it is kept, legal holds (oversight places and lifts them), and
 * referral bundles (asked for here, approved by someone else, downloaded by whoever asked).
 */
export function RecordsSection({ caseId }: { caseId: string }) {
  const { me } = useSession();
  const loaded = useApi(() => records.caseRecords(caseId), [caseId]);
  const [purpose, setPurpose] = useState('');
  const [holdReason, setHoldReason] = useState('');
  const [liftReason, setLiftReason] = useState('');
  const action = useAction();
  const data = loaded.data;

  async function requestExport(event: FormEvent) {
    event.preventDefault();
    if (await action.run(() => records.requestExport(caseId, purpose), 'Referral bundle requested.')) {
      setPurpose('');
      await loaded.reload();
    }
  }
  async function placeHold(event: FormEvent) {
    event.preventDefault();
    if (await action.run(() => records.placeHold(caseId, holdReason), 'Legal hold placed.')) {
      setHoldReason('');
      await loaded.reload();
    }
  }
  async function liftHold(event: FormEvent, holdId: string) {
    event.preventDefault();
    if (await action.run(() => records.liftHold(caseId, holdId, liftReason), 'Legal hold lifted.')) {
      setLiftReason('');
      await loaded.reload();
    }
  }
  async function decide(exportId: string, decision: 'approve' | 'refuse') {
    if (await action.run(() => records.decideExport(exportId, decision), decision === 'approve' ? 'Export approved.' : 'Export refused.')) await loaded.reload();
  }

  if (!data) return <section className="card">{loaded.error !== undefined ? <ErrorNotice error={loaded.error} /> : <Loading what="the records" />}</section>;
  const activeHolds = data.holds.filter((hold) => hold.liftedAt === null);
  return (
    <section className="card" aria-labelledby="records-heading">
      <h2 id="records-heading">Records</h2>
      <p className="small">
        {data.retainUntil ? (
          <>
            Kept until <time dateTime={data.retainUntil}>{formatDate(data.retainUntil)}</time> ({data.retainMonths} months after closing), then shredded
            {activeHolds.length > 0 ? ', but not while a legal hold stands' : ''}.
          </>
        ) : (
          <>Kept while open, then {data.retainMonths} months after closing.</>
        )}
      </p>
      {me.role === 'oversight' && (
        <p className="small">
          <Link to={`/audit?caseId=${encodeURIComponent(caseId)}`}>Audit trail of this case</Link>
        </p>
      )}
      <h3>Legal hold</h3>
      {activeHolds.length === 0 ? (
        <p className="muted small">No legal hold.</p>
      ) : (
        <ul className="plain-list">
          {activeHolds.map((hold) => (
            <li key={hold.id}>
              <strong>On hold</strong> since <time dateTime={hold.setAt}>{formatDateTime(hold.setAt)}</time>: {hold.reason}
              {me.role === 'oversight' && (
                <form onSubmit={(event) => void liftHold(event, hold.id)} className="compose">
                  <div className="field">
                    <label htmlFor={`f-lift-${hold.id}`}>Why the hold ends</label>
                    <input id={`f-lift-${hold.id}`} value={liftReason} onChange={(event) => setLiftReason(event.target.value)} required minLength={3} />
                  </div>
                  <button type="submit" className="secondary" disabled={action.busy}>
                    Lift the hold
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {me.role === 'oversight' && (
        <form onSubmit={placeHold} className="compose">
          <div className="field">
            <label htmlFor="f-hold">Reason for a legal hold (a reference, not case content)</label>
            <input id="f-hold" value={holdReason} onChange={(event) => setHoldReason(event.target.value)} required minLength={3} />
          </div>
          <button type="submit" className="secondary" disabled={action.busy}>
            Place a legal hold
          </button>
        </form>
      )}
      <h3>Referral bundles</h3>
      {data.exports.length === 0 && <p className="muted small">None asked for.</p>}
      <ul className="plain-list">
        {data.exports.map((row) => {
          const mine = row.requestedBy === me.id;
          const usable = mine && (row.state === 'approved' || row.state === 'downloaded') && row.expiresAt > new Date().toISOString();
          return (
            <li key={row.id}>
              <span>{row.purpose}</span> <span className="muted small">({EXPORT_STATES[row.state]}, asked <time dateTime={row.requestedAt}>{formatDateTime(row.requestedAt)}</time>)</span>
              {usable && (
                <>
                  {' '}
                  <a href={records.bundleUrl(row.id)} download>
                    Download the bundle
                  </a>
                </>
              )}
              {!mine && row.state === 'pending' && (
                <span className="actions">
                  <button type="button" className="secondary" disabled={action.busy} onClick={() => void decide(row.id, 'approve')}>
                    Approve
                  </button>{' '}
                  <button type="button" className="link-button" disabled={action.busy} onClick={() => void decide(row.id, 'refuse')}>
                    Refuse
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <form onSubmit={requestExport} className="compose">
        <div className="field">
          <label htmlFor="f-export">Who the bundle is for, and why</label>
          <input id="f-export" value={purpose} onChange={(event) => setPurpose(event.target.value)} required minLength={3} placeholder="Police referral, ref 2026/123" />
        </div>
        <button type="submit" className="secondary" disabled={action.busy}>
          Ask for a referral bundle
        </button>
      </form>
      {action.error !== undefined && <ErrorNotice error={action.error} />}
      <span className="visually-hidden" role="status">
        {action.done}
      </span>
    </section>
  );
}
