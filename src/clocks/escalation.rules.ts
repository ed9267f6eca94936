/**
 * The escalation ladder: who a case climbs to when a clock is missed. Pure.
 *
 * A channel's ladder lists the rungs above its handlers, in order: named people (say, the lead
 * handlers), and at the top usually the oversight body. A person on a rung holds the case key
 * from intake (a standby grant); escalating activates their grant. Someone who was put on the
 * ladder after the case arrived has no key, and nobody can give them one without a key holder's
 * private key, so they are passed over and the case climbs on.
 */

export type LadderRung = { kind: 'users'; userIds: string[] } | { kind: 'oversight' };

/** The ladder when a channel has none configured: straight to oversight, as intake has always prepared. */
export const DEFAULT_LADDER: readonly LadderRung[] = [{ kind: 'oversight' }];

/** A stored ladder (JSON), or the default when the channel has none. */
export function parseLadder(json: string | undefined): LadderRung[] {
  return json === undefined ? [...DEFAULT_LADDER] : (JSON.parse(json) as LadderRung[]);
}

/** A rung resolved to people: its number (1 = the first above the handlers) and who is on it. */
export interface RungMembers {
  rung: number;
  userIds: readonly string[];
}

export interface EscalationStep {
  rung: number;
  /** Standby key holders on this rung whose grants become active. */
  activate: string[];
  /** Key holders on this rung who could already read the case. */
  alreadyActive: string[];
  /** People on the rung without a key for this case: they cannot be given the case. */
  withoutKey: string[];
  outcome: 'escalated' | 'skipped';
}

export interface EscalationPlan {
  /** Rungs passed over (nobody on them holds a key), then the rung reached, in order. */
  steps: EscalationStep[];
  /** The rung reached, or null when the ladder has no rung left that can take the case. */
  reached: number | null;
}

/**
 * Plans one escalation: the first rung above `highestPassed` with at least one key holder on it
 * is reached; rungs below it with no key holder are recorded as skipped.
 */
export function planEscalation(
  ladder: readonly RungMembers[],
  highestPassed: number,
  grants: ReadonlyMap<string, { active: boolean }>,
): EscalationPlan {
  const steps: EscalationStep[] = [];
  for (const { rung, userIds } of [...ladder].sort((a, b) => a.rung - b.rung)) {
    if (rung <= highestPassed) continue;
    const members = [...new Set(userIds)];
    const withoutKey = members.filter((id) => !grants.has(id));
    const activate = members.filter((id) => grants.get(id)?.active === false);
    const alreadyActive = members.filter((id) => grants.get(id)?.active === true);
    const reached = activate.length + alreadyActive.length > 0;
    steps.push({ rung, activate, alreadyActive, withoutKey, outcome: reached ? 'escalated' : 'skipped' });
    if (reached) return { steps, reached: rung };
  }
  return { steps, reached: null };
}

/** Everyone a ladder names (for standby grants at intake), oversight resolved by the caller. */
export function ladderUserIds(ladder: readonly LadderRung[], oversightIds: readonly string[]): string[] {
  const ids = ladder.flatMap((rung) => (rung.kind === 'oversight' ? oversightIds : rung.userIds));
  return [...new Set(ids)];
}
