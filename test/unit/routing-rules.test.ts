import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NoRecipients } from '../../src/kernel/errors.js';
import { chooseRecipients } from '../../src/routing/routing.rules.js';

describe('chooseRecipients', () => {
  test('handlers read the case now; oversight holds the key on standby', () => {
    expect(chooseRecipients(['h1', 'h2'], ['o1'])).toEqual([
      { userId: 'h1', grant: 'handler', active: true },
      { userId: 'h2', grant: 'handler', active: true },
      { userId: 'o1', grant: 'oversight', active: false },
    ]);
  });

  test('with no handler, oversight reads the case at once', () => {
    expect(chooseRecipients([], ['o1', 'o2'])).toEqual([
      { userId: 'o1', grant: 'oversight', active: true },
      { userId: 'o2', grant: 'oversight', active: true },
    ]);
  });

  test('handlers without any oversight still receive the case', () => {
    expect(chooseRecipients(['h1'], [])).toEqual([{ userId: 'h1', grant: 'handler', active: true }]);
  });

  test('with nobody at all, the report is refused with NoRecipients (code no_recipients)', () => {
    let thrown: unknown;
    try {
      chooseRecipients([], []);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NoRecipients);
    expect(thrown).toMatchObject({ code: 'no_recipients', status: 503 });
  });

  test('duplicates are removed, keeping the first occurrence order', () => {
    expect(chooseRecipients(['h2', 'h1', 'h2', 'h1'], ['o1', 'o1'])).toEqual([
      { userId: 'h2', grant: 'handler', active: true },
      { userId: 'h1', grant: 'handler', active: true },
      { userId: 'o1', grant: 'oversight', active: false },
    ]);
  });

  test('someone who is both handler and oversight gets the case once, as a handler', () => {
    expect(chooseRecipients(['both'], ['both', 'o1'])).toEqual([
      { userId: 'both', grant: 'handler', active: true },
      { userId: 'o1', grant: 'oversight', active: false },
    ]);
  });

  test('property: every candidate gets exactly one grant, handlers win, oversight is active only without handlers', () => {
    const ids = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 8 });
    fc.assert(
      fc.property(ids, ids, (handlerIds, oversightIds) => {
        fc.pre(handlerIds.length + oversightIds.length > 0);
        const recipients = chooseRecipients(handlerIds, oversightIds);
        const userIds = recipients.map((recipient) => recipient.userId);

        expect(new Set(userIds).size).toBe(userIds.length);
        expect(new Set(userIds)).toEqual(new Set([...handlerIds, ...oversightIds]));
        for (const recipient of recipients) {
          expect(recipient.grant).toBe(handlerIds.includes(recipient.userId) ? 'handler' : 'oversight');
          expect(recipient.active).toBe(recipient.grant === 'handler' || handlerIds.length === 0);
        }
      }),
    );
  });
});
