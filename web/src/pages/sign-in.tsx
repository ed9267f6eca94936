import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { auth } from '../api/endpoints.js';
import type { StaffMe } from '../api/schema.js';
import { PageTitle } from '../components/page.js';

/** Email and password; the server sets the HttpOnly session cookie that every later request carries. */
export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn(me: StaffMe): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await auth.login({ email, password }));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Signing in failed. Please try again.');
      setPassword('');
    } finally {
      setBusy(false);
    }
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
        <div className="field">
          <label htmlFor="f-email">E-mail address</label>
          <input id="f-email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-password">Password</label>
          <input id="f-password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
