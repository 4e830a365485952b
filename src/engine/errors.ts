// The engine's one error: bad input handed to a pure function, for the service layer to wrap.

/**
 * Thrown when input to the engine is malformed (a bad key, scope or resource, an unknown role id,
 * an inheritance cycle). The message says what was wrong and what would be right; the service
 * layer wraps it into its own error type.
 */
export class EngineInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}
