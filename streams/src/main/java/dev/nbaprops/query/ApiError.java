package dev.nbaprops.query;

/**
 * An answer other than 200: the HTTP status, a stable machine-readable code and a message written for the caller.
 * The message never carries an exception's text or a stack trace; unexpected failures become
 * {@code 500 internal_error} with a generic message (the details go to the log only).
 */
final class ApiError extends RuntimeException {
  final int status;
  final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError badRequest(String m) {
    return new ApiError(400, "bad_request", m);
  }

  static ApiError notFound(String m) {
    return new ApiError(404, "not_found", m);
  }

  /** The stores cannot answer now (rebalance, restoration, an instance down, too busy): 503 with Retry-After. */
  static ApiError unavailable(String m) {
    return new ApiError(503, "unavailable", m);
  }
}
