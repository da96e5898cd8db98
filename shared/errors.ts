/** Errors a caller may see. Anything else is answered as a generic 500 and logged. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
    this.name = new.target.name;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(
    message = 'Authentication failed. Please try again after confirming that the API key is correct.',
  ) {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Permission denied.') {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

/** A conditional write lost a race; use cases retry on it, callers never see it. */
export class StaleWriteError extends Error {}
