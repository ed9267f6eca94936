import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints.js';
import { ErrorNotice, PageTitle } from '../components/page.js';
import { TotpEnrolmentSteps } from '../components/totp-enrolment.js';
import { useSession } from '../session.js';

/** The signed-in person's own account: two-step sign-in, password, sessions. */
export function AccountPage() {
  const { me, refresh, signOut } = useSession();
  const [enrolling, setEnrolling] = useState(false);
  return (
    <div className="account">
      <PageTitle title="Your account">Your account</PageTitle>
      <dl className="facts card">
        <div className="fact">
          <dt>Name</dt>
          <dd>{me.name}</dd>
        </div>
        <div className="fact">
          <dt>E-mail</dt>
          <dd>{me.email}</dd>
        </div>
        <div className="fact">
          <dt>Role</dt>
          <dd>{me.role}</dd>
        </div>
      </dl>
      {enrolling ? (
        <TotpEnrolmentSteps
          onDone={() => {
            setEnrolling(false);
            void refresh();
          }}
        />
      ) : me.totpEnabled ? (
        <SecondFactorOn onChanged={refresh} />
      ) : (
        <section className="card" aria-labelledby="totp-off-heading">
          <h2 id="totp-off-heading">Two-step sign-in is off</h2>
          <p>With it on, signing in needs a code from your phone as well as your password.</p>
          <button type="button" className="button" onClick={() => setEnrolling(true)}>
            Set up two-step sign-in
          </button>
        </section>
      )}
      <ChangePassword />
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p>Signs you out here and on every other device or browser where you are signed in.</p>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void auth.logoutEverywhere().finally(() => void signOut());
          }}
        >
          Sign out everywhere
        </button>
      </section>
    </div>
  );
}

function SecondFactorOn({ onChanged }: { onChanged(): Promise<unknown> }) {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[]>();
  const [error, setError] = useState<unknown>();

  async function renew(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      setCodes((await auth.newRecoveryCodes({ code })).recoveryCodes);
      setCode('');
    } catch (caught) {
      setError(caught);
    }
  }

  async function turnOff() {
    setError(undefined);
    try {
      await auth.disableTotp({ password, code });
      await onChanged();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section className="card" aria-labelledby="totp-on-heading">
      <h2 id="totp-on-heading">Two-step sign-in is on</h2>
      <form onSubmit={renew} noValidate>
        <div className="pair">
          <div className="field">
            <label htmlFor="f-current-code">Current code from your app</label>
            <input id="f-current-code" type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(event) => setCode(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-off-password">Password (only to turn it off)</label>
            <input id="f-off-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          </div>
        </div>
        {error !== undefined && <ErrorNotice error={error} />}
        <div className="form-actions">
          <button type="submit" className="secondary">
            New recovery codes
          </button>
          <button type="button" className="danger" onClick={() => void turnOff()}>
            Turn two-step sign-in off
          </button>
        </div>
      </form>
      {codes && (
        <>
          <p role="status">New recovery codes; the old ones no longer work. They are shown only now.</p>
          <ul className="recovery-codes" aria-label="Recovery codes">
            {codes.map((each) => (
              <li key={each}>
                <code>{each}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');

  async function change(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await auth.changePassword({ currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setDone('Password changed. Your other sessions have ended.');
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form className="card" onSubmit={change} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      <div className="pair">
        <div className="field">
          <label htmlFor="f-current-password">Current password</label>
          <input id="f-current-password" type="password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrent(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-new-password">New password</label>
          <p className="help" id="f-new-password-help">
            At least 12 characters. A few unrelated words make a good one.
          </p>
          <input
            id="f-new-password"
            type="password"
            autoComplete="new-password"
            aria-describedby="f-new-password-help"
            value={newPassword}
            onChange={(event) => setNew(event.target.value)}
          />
        </div>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button">
          Change password
        </button>
        <span role="status">{done}</span>
      </div>
    </form>
  );
}
