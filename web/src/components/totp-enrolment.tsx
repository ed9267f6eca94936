import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints.js';
import type { TotpEnrolment } from '../api/schema.js';
import { ErrorNotice } from './page.js';

/** The secret in groups of four, as authenticator apps print it, for typing in by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/**
 * Setting up two-step sign-in: a QR code (and the secret as text) for the authenticator app, a
 * code from the app to prove it worked, then the recovery codes, shown once.
 */
export function TotpEnrolmentSteps({ onDone }: { onDone(): void }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment>();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [stored, setStored] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError(undefined);
    try {
      setEnrolment(await auth.startTotp());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setRecoveryCodes((await auth.confirmTotp({ code })).recoveryCodes);
    } catch (caught) {
      setError(caught);
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  if (recoveryCodes) {
    return (
      <section className="card" aria-labelledby="recovery-heading">
        <h2 id="recovery-heading">Two-step sign-in is on. Store your recovery codes</h2>
        <p>
          If you lose your phone, each of these codes signs you in once in place of a code from the app. They are shown only now: print them or keep
          them in your password manager.
        </p>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {recoveryCodes.map((each) => (
            <li key={each}>
              <code>{each}</code>
            </li>
          ))}
        </ul>
        <div className="check">
          <input id="f-stored" type="checkbox" checked={stored} onChange={(event) => setStored(event.target.checked)} />
          <label htmlFor="f-stored">I have stored my recovery codes</label>
        </div>
        <button type="button" className="button" disabled={!stored} onClick={onDone}>
          Continue
        </button>
      </section>
    );
  }

  if (!enrolment) {
    return (
      <section className="card" aria-labelledby="totp-heading">
        <h2 id="totp-heading">Set up two-step sign-in</h2>
        <p>You will need an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or 1Password).</p>
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="button" className="button" onClick={() => void start()} disabled={busy}>
          Start
        </button>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="totp-heading">
      <h2 id="totp-heading">Set up two-step sign-in</h2>
      <ol className="steps">
        <li>
          <p>Scan this code with your authenticator app.</p>
          <img className="qr" src={enrolment.qrDataUrl} alt="QR code for your authenticator app; the same secret is written out below" width={200} height={200} />
          <p>
            Or type this secret into the app: <code className="secret" data-totp-secret={enrolment.secret}>{grouped(enrolment.secret)}</code>
          </p>
        </li>
        <li>
          <form onSubmit={confirm} noValidate>
            <div className="field">
              <label htmlFor="f-totp-confirm">Enter the six-digit code the app shows</label>
              <input id="f-totp-confirm" type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(event) => setCode(event.target.value)} />
            </div>
            {error !== undefined && <ErrorNotice error={error} />}
            <button type="submit" className="button" disabled={busy}>
              Turn on two-step sign-in
            </button>
          </form>
        </li>
      </ol>
    </section>
  );
}
