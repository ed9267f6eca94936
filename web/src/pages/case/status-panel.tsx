import { useState, type FormEvent } from 'react';
import { cases, clocks as clocksApi } from '../../api/endpoints.js';
import type { CaseWithWork } from '../../api/case-work.js';
import type { ClockKind } from '../../api/schema.js';
import { ClockBar } from '../../components/clock-bar.js';
import { ErrorNotice } from '../../components/page.js';
import { clockOfApi, clocksOfCase, type ClockView } from '../../clocks.js';
import { formatDateTime } from '../../format.js';
import { clockLabel, statusLabel } from '../../labels.js';

/** Where the case stands, its clocks (with pause and resume), escalations, and acknowledgement. */
export function StatusPanel({ detail, onChanged }: { detail: CaseWithWork; onChanged(): Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const now = Date.now();

  async function acknowledge() {
    setBusy(true);
    setError(undefined);
    try {
      await cases.acknowledge(detail.id);
      setDone('Acknowledged. The reporter sees it on the portal.');
      await onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  // The clocks come with the case; a case from before the clocks existed has none, and shows its promised dates.
  const fromApi = detail.clocks.length > 0;
  const views: ClockView[] = fromApi ? detail.clocks.map(clockOfApi) : clocksOfCase(detail);
  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">Status: {statusLabel(detail.status)}</h2>
      <h3 className="visually-hidden">Clocks</h3>
      <ul className="clocks">
        {views.map((clock) => (
          <li key={clock.kind}>
            <ClockBar clock={clock} now={now} />
            {fromApi && (clock.state === 'running' || clock.state === 'paused') && (
              <PauseControl caseId={detail.id} clock={clock} onChanged={onChanged} />
            )}
          </li>
        ))}
      </ul>
      {detail.escalations.length > 0 && (
        <>
          <h3>Escalations</h3>
          <ul className="escalations">
            {detail.escalations.map((escalation, index) => (
              <li key={index}>
                {escalation.outcome === 'escalated' ? `Escalated to rung ${escalation.rung}` : `Rung ${escalation.rung} skipped (nobody there)`} when the{' '}
                {clockLabel(escalation.clockKind).toLowerCase()} clock was missed, {formatDateTime(escalation.at)}.
                {escalation.withoutKey > 0 && ` ${escalation.withoutKey} on that rung hold no key to this case.`}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="visually-hidden" role="status">
        {done}
      </p>
      {error !== undefined && <ErrorNotice error={error} />}
      {detail.status === 'received' && (
        <div className="next-step">
          <p>The reporter is waiting to hear that someone has the report.</p>
          <button type="button" className="button" onClick={() => void acknowledge()} disabled={busy}>
            {busy ? 'Acknowledging…' : 'Acknowledge receipt'}
          </button>
        </div>
      )}
    </section>
  );
}

/** Pausing needs a reason, which oversight sees; resuming moves the deadline on by the time paused. */
function PauseControl({ caseId, clock, onChanged }: { caseId: string; clock: ClockView; onChanged(): Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const kind = clock.kind as ClockKind;
  const id = `pause-${clock.kind}`;

  async function pause(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await clocksApi.pause(caseId, kind, { reason });
      setOpen(false);
      setReason('');
      await onChanged();
    } catch (caught) {
      setError(caught);
    }
  }

  async function resume() {
    setError(undefined);
    try {
      await clocksApi.resume(caseId, kind);
      await onChanged();
    } catch (caught) {
      setError(caught);
    }
  }

  if (clock.state === 'paused') {
    return (
      <div className="clock-control">
        <button type="button" className="secondary small-button" onClick={() => void resume()}>
          Resume the {clock.label.toLowerCase()} clock
        </button>
        {error !== undefined && <ErrorNotice error={error} />}
      </div>
    );
  }
  if (!open) {
    return (
      <div className="clock-control">
        <button type="button" className="link-button small" onClick={() => setOpen(true)} aria-expanded={false}>
          Pause the {clock.label.toLowerCase()} clock…
        </button>
      </div>
    );
  }
  return (
    <form className="clock-control" onSubmit={pause}>
      <div className="field">
        <label htmlFor={id}>Why pause it?</label>
        <p className="help" id={`${id}-help`}>
          Oversight sees this reason. No names or case details.
        </p>
        <input id={id} type="text" value={reason} aria-describedby={`${id}-help`} onChange={(event) => setReason(event.target.value)} />
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="secondary small-button">
          Pause
        </button>
        <button type="button" className="link-button small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
