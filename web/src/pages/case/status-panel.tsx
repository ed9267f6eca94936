import { useState } from 'react';
import { cases } from '../../api/endpoints.js';
import type { CaseDetail } from '../../api/schema.js';
import { ClockBar } from '../../components/clock-bar.js';
import { ErrorNotice } from '../../components/page.js';
import { clocksOfCase } from '../../clocks.js';
import { statusLabel } from '../../statuses.js';

/** Where the case stands, its clocks, and the next step it can take. */
export function StatusPanel({ detail, onChanged }: { detail: CaseDetail; onChanged(): Promise<unknown> }) {
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

  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">Status: {statusLabel(detail.status)}</h2>
      <div className="clocks">
        {clocksOfCase(detail).map((clock) => (
          <ClockBar key={clock.kind} clock={clock} now={now} />
        ))}
      </div>
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
