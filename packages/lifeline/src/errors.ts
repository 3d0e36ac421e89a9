/**
 * Errors that steer behaviour, recognised by `name` and `code` rather than `instanceof` alone (they cross module
 * and process boundaries). Always pass `cause` when wrapping another error.
 */

/** The user's configuration or invocation is wrong; the message says how to fix it. CLI exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure that retrying cannot fix (e.g. a rejected credential). */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure to retry after a delay the other side asked for (e.g. HTTP 429 with Retry-After). */
export class RetryAfterError extends Error {
  override readonly name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A credential was refused or is unusable. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === 'ConfigError';
}
