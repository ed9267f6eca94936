import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { auth } from '../api/endpoints.js';
import type { StaffMe } from '../api/schema.js';
import { PageTitle } from '../components/page.js';

type Step = 'password' | 'code';

/**
 * Email and password, then, for an account with a second factor, the code from the authenticator
 * app (or a recovery code). The server sets the HttpOnly session cookie that every later request carries.
 */
export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn(me: StaffMe): void }) {
  const [step, setStep] = useState<Step>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const secondFactor = step === 'code' ? (useRecovery ? { recoveryCode: code } : { totp: code }) : {};
      onSignedIn(await auth.login({ email, password, ...secondFactor }));
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'totp_required') {
        setStep('code');
        setCode('');
        requestAnimationFrame(() => codeInput.current?.focus());
      } else {
        setError(caught instanceof ApiError ? caught.message : 'Signing in failed. Please try again.');
        if (step === 'password') setPassword('');
        setCode('');
      }
    } finally {
      setBusy(false);
    }
  }

  function startOver() {
    setStep('password');
    setPassword('');
    setCode('');
    setError(undefined);
  }

  return (
    <main id="main" className="narrow sign-in">
      <p className="brand-block">
        Candor <span className="brand-sub">staff console</span>
      </p>
      <PageTitle title="Sign in">Sign in</PageTitle>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <div className="notice notice-error" role="alert" id="sign-in-error">
          <p>{error}</p>
        </div>
      )}
      <form onSubmit={submit} className="card" noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
        {step === 'password' ? (
          <>
            <div className="field">
              <label htmlFor="f-email">E-mail address</label>
              <input id="f-email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="f-password">Password</label>
              <input id="f-password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
            </div>
          </>
        ) : (
          <>
            <p>
              Signing in as <strong>{email}</strong>.
            </p>
            <div className="field">
              <label htmlFor="f-code">{useRecovery ? 'Recovery code' : 'Code from your authenticator app'}</label>
              <p className="help" id="f-code-help">
                {useRecovery ? 'One of the recovery codes you stored when you set up two-step sign-in. Each works once.' : 'Six digits; a new one every 30 seconds.'}
              </p>
              <input
                ref={codeInput}
                id="f-code"
                type="text"
                inputMode={useRecovery ? 'text' : 'numeric'}
                autoComplete="one-time-code"
                aria-describedby="f-code-help"
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            </div>
            <p>
              <button type="button" className="link-button" onClick={() => setUseRecovery(!useRecovery)}>
                {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
              </button>
            </p>
          </>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : step === 'password' ? 'Sign in' : 'Verify and sign in'}
        </button>
        {step === 'code' && (
          <p>
            <button type="button" className="link-button" onClick={startOver}>
              Sign in as someone else
            </button>
          </p>
        )}
      </form>
    </main>
  );
}
