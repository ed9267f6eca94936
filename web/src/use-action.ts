/** Runs one user action against the API: busy while it runs, its error kept for display, a success message for a live region. */
import { useCallback, useState } from 'react';

export interface Action {
  busy: boolean;
  error: unknown;
  done: string;
  /** Runs `work`; on success announces `message` and answers true. */
  run(work: () => Promise<unknown>, message?: string): Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const run = useCallback(async (work: () => Promise<unknown>, message = '') => {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      await work();
      setDone(message);
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run };
}
