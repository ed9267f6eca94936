/** Page furniture: the heading that takes focus when a page opens, the document title, notices. */
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';

/**
 * The page's h1. It receives focus when the page opens (as a new document's top would), so a
 * keyboard or screen-reader user starts at the page they asked for, not where the last one left them.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Candor`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error, action }: { error: unknown; action?: ReactNode }) {
  const message = error instanceof ApiError ? error.message : 'Something went wrong in the console. Reload the page to try again.';
  const fields = error instanceof ApiError ? Object.entries(error.fields) : [];
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map(([field, messages]) => (
            <li key={field}>
              {field === '_' ? '' : `${field}: `}
              {messages.join('; ')}
            </li>
          ))}
        </ul>
      )}
      {error instanceof ApiError && error.requestId && <p className="small muted">Request {error.requestId}</p>}
      {action}
    </div>
  );
}
