import { NotYetAvailable } from '../../components/page.js';

export function PendingAdmin({ what, hint }: { what: string; hint: string }) {
  return (
    <>
      <NotYetAvailable what={what} />
      {hint && <p>{hint}</p>}
    </>
  );
}
