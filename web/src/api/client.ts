/**
 * The one way the console talks to Candor: same-origin JSON requests that carry the staff session
 * cookie (HttpOnly, set by POST /api/v1/auth/login). Every error the API answers has a stable code;
 * it arrives here as an ApiError with that code, the message and any per-field messages.
 */
import type { ErrorBody } from './schema.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired when the API says the session is gone, so the app can show the sign-in page. */
export const SIGNED_OUT_EVENT = 'candor:signed-out';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as ErrorBody).error?.code === 'string';
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // A FormData body is sent as multipart/form-data, with the boundary the browser chooses.
      headers: body === undefined || form ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Candor could not be reached. Check the connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // fall through: a non-JSON answer is reported below by its status
  }
  if (!response.ok) {
    const error = isErrorBody(parsed)
      ? new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.fields, parsed.error.requestId)
      : new ApiError(response.status, 'http_' + response.status, `Candor answered ${response.status}.`);
    if (response.status === 401 && !path.startsWith('/api/v1/auth/login')) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw error;
  }
  return parsed as T;
}

/** A query string from defined values only, in a stable order. */
export function queryString(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
