/** The stable error codes of staff sign-in and the second factor. */
import { DomainError, Forbidden, Unauthenticated } from '../kernel/errors.js';

export const badCredentials = () => new Unauthenticated('bad_credentials', 'E-mail address or password is not right.');

/** The password was right, and this account also needs a code from its authenticator app (or a recovery code). */
export class TotpRequired extends Unauthenticated {
  constructor() {
    super('totp_required', 'Enter the six-digit code from your authenticator app, or one of your recovery codes.');
  }
}

/** A failed second factor at sign-in. */
export class SecondFactorFailed extends Unauthenticated {
  constructor(code: SecondFactorFailure) {
    super(code, SECOND_FACTOR_MESSAGES[code]);
  }
}

export type SecondFactorFailure = 'bad_totp' | 'totp_reused' | 'bad_recovery_code';

export const SECOND_FACTOR_MESSAGES: Record<SecondFactorFailure, string> = {
  bad_totp: 'That code is not right. Check the time on your phone and try the code shown now.',
  totp_reused: 'That code was used already. Wait for the next code and enter it.',
  bad_recovery_code: 'That recovery code is not right, or it was used already.',
};

/** A wrong code while signed in (enrolling, turning the second factor off): not a reason to sign out. */
export class SecondFactorRejected extends DomainError {
  constructor(code: SecondFactorFailure) {
    super(code, SECOND_FACTOR_MESSAGES[code], 400);
  }
}

export class AccountLocked extends DomainError {
  constructor(readonly lockedUntil: string) {
    super('account_locked', `This account is locked after too many failed sign-ins until ${lockedUntil}. Wait until then, or ask an admin to unlock it.`, 423);
  }
}

/** An admin requires a second factor of all staff, and this person has none yet: only enrolment is open. */
export class TotpEnrolmentRequired extends Forbidden {
  constructor() {
    super('totp_enrolment_required', 'Set up a second factor (an authenticator app) before you continue.');
  }
}
