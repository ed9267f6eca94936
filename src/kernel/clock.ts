/** The source of "now". Injected everywhere so tests can run months of clock in milliseconds. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  #at: number;
  constructor(start: Date | string = '2026-01-05T09:00:00.000Z') {
    this.#at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  advance(ms: number): void {
    this.#at += ms;
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
}

/** Timestamps are stored as fixed-width ISO-8601 UTC text so they sort and compare the same on SQLite and PostgreSQL. */
export const toStoredTime = (date: Date): string => date.toISOString();

/** Sorts after every real deadline: used for cases with no running clock. */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';
