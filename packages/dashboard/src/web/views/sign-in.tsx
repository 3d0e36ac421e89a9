/**
 * Sign-in: paste an API token (`lifeline token create --name alice --role responder`). While the daemon enforces
 * no tokens, signing in without one works, and "your name" is the person id the API records as the actor.
 */
import { useState } from 'preact/hooks';
import { ApiError, session, whoAmI } from '../api';

export function SignIn(props: { onSignedIn: () => void | Promise<void> }) {
  const [token, setToken] = useState('');
  const [actor, setActor] = useState(session.actor() ?? '');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    session.signIn(token.trim() || undefined, actor.trim() || undefined);
    try {
      await whoAmI();
      await props.onSignedIn();
    } catch (failure) {
      session.signOut();
      setError(
        failure instanceof ApiError && failure.status === 401
          ? token.trim()
            ? 'That token is not valid (unknown or revoked).'
            : 'This daemon needs a token: create one with `lifeline token create --name NAME --role viewer`.'
          : `Cannot reach the daemon: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Lifeline</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help">
          Sign in with an API token. Without tokens on the daemon, leave it empty and give your person id.
        </p>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          placeholder="ll_…"
          autoFocus
        />
        <label for="actor">Your person id (only without tokens)</label>
        <input id="actor" name="actor" value={actor} onInput={(e) => setActor(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
