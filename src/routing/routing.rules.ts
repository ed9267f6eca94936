/** Who receives a new case's key. Pure: the caller supplies the candidates. */
import { NoRecipients } from '../kernel/errors.js';

export interface Recipient {
  userId: string;
  grant: 'handler' | 'oversight';
  /** Whether the recipient may read the case now, or holds the key until the case escalates to them. */
  active: boolean;
}

/**
 * The channel's handlers read the case; oversight holds its key from intake as the last rung of
 * escalation. With no handler, oversight reads it at once. With nobody, the report is refused
 * rather than accepted into a case that nobody can read.
 */
export function chooseRecipients(handlerIds: readonly string[], oversightIds: readonly string[], ladderIds: readonly string[] = []): Recipient[] {
  const handlers = [...new Set(handlerIds)];
  const oversight = [...new Set(oversightIds)].filter((id) => !handlers.includes(id));
  // People named on the channel's escalation ladder hold a standby key, like oversight.
  const ladder = [...new Set(ladderIds)].filter((id) => !handlers.includes(id) && !oversight.includes(id));
  if (handlers.length === 0 && oversight.length === 0) throw new NoRecipients();
  const oversightActive = handlers.length === 0;
  return [
    ...handlers.map((userId) => ({ userId, grant: 'handler' as const, active: true })),
    ...oversight.map((userId) => ({ userId, grant: 'oversight' as const, active: oversightActive })),
    ...ladder.map((userId) => ({ userId, grant: 'handler' as const, active: false })),
  ];
}
