/** Installation-wide rules for staff accounts that an admin sets (stored in `settings`, shared by every node). */
import type { Queryable } from '../kernel/database.js';
import { readSetting, writeSetting } from './settings.repository.js';

const TOTP_REQUIRED = 'staff_totp_required';

export interface StaffPolicy {
  /** Every staff member must sign in with a second factor; without one, only enrolment is open to them. */
  totpRequired: boolean;
}

export async function readStaffPolicy(db: Queryable): Promise<StaffPolicy> {
  return { totpRequired: (await readSetting(db, TOTP_REQUIRED)) === 'true' };
}

export async function writeStaffPolicy(db: Queryable, policy: StaffPolicy): Promise<void> {
  await writeSetting(db, TOTP_REQUIRED, policy.totpRequired ? 'true' : null);
}
