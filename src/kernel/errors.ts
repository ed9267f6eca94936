/**
 * Domain errors carry a stable `code` that clients may rely on. Services throw them; one HTTP error
 * handler maps `status` and `code` to the JSON body. Services never see HTTP types.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(fields: Record<string, string[]>, message = 'The request is not valid.') {
    super('invalid_request', message, 400, fields);
  }
}

export class NotFound extends DomainError {
  constructor(code = 'not_found', message = 'Not found.') {
    super(code, message, 404);
  }
}

export class CaseNotFound extends NotFound {
  constructor() {
    super('case_not_found', 'No such case.');
  }
}

export class ChannelNotFound extends DomainError {
  constructor() {
    super('unknown_channel', 'There is no such reporting channel.', 400, { channel: ['unknown channel'] });
  }
}

export class NoRecipients extends DomainError {
  constructor() {
    super(
      'no_recipients',
      'Nobody is set up to read reports on this channel yet, so the report was not accepted. Please try again later.',
      503,
    );
  }
}

export class Unauthenticated extends DomainError {
  constructor(code = 'unauthenticated', message = 'Please sign in first.') {
    super(code, message, 401);
  }
}

export class Forbidden extends DomainError {
  constructor(code = 'forbidden', message = 'You are not allowed to do this.') {
    super(code, message, 403);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

/** Thrown when authenticated decryption fails. Never swallowed into a null or empty value. */
export class DecryptionFailed extends Error {
  constructor(what: string) {
    super(`Decryption failed: ${what}`);
    this.name = 'DecryptionFailed';
  }
}
