/**
 * The inbox's first page, asked for while the console is still checking who is signed in, so the
 * two requests overlap instead of following each other. Used once, by the inbox, if its query matches.
 */
import { cases } from './endpoints.js';
import type { CaseList, CaseListQuery } from './schema.js';

let pending: { key: string; answer: Promise<CaseList> } | undefined;

const keyOf = (query: CaseListQuery) => JSON.stringify(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)));

export function prefetchCases(query: CaseListQuery): void {
  const answer = cases.list(query);
  answer.catch(() => undefined); // a visitor who is not signed in: the sign-in page follows, the answer is dropped
  pending = { key: keyOf(query), answer };
}

/** The prefetched page for this query, once; otherwise a fresh request. */
export function takeCases(query: CaseListQuery): Promise<CaseList> {
  const match = pending && pending.key === keyOf(query) ? pending.answer : undefined;
  pending = undefined;
  return match ?? cases.list(query);
}

/** Forgets the prefetched page (nobody was signed in: it was refused). */
export function dropPrefetch(): void {
  pending = undefined;
}
