/**
 * Every error the server answers with is an {@link ApiError}: an `EmoLensError` (stable WIA code, `details`) with
 * the HTTP status to send. The error handler (`plugins/errors.ts`) turns anything else into a generic 500.
 */
import { EmoLensError, ERROR_HTTP_STATUS, type ErrorCode, type ErrorDetails } from '@emolens/schema';

/** An error to answer with as it is: WIA code, message and details, and its HTTP status. */
export class ApiError extends EmoLensError {
  /** The HTTP status of the response. Defaults to the WIA table's status for the code. */
  readonly statusCode: number;
  /** Extra response headers (e.g. `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options: { statusCode?: number; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, details, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = options.statusCode ?? ERROR_HTTP_STATUS[code];
    this.headers = options.headers ?? {};
  }
}

/** A 400 `INVALID_REQUEST` about one field (dotted path, `''` for the whole body). */
export function invalidRequest(message: string, field: string, details: ErrorDetails = {}): ApiError {
  return new ApiError('INVALID_REQUEST', message, { field, ...details });
}
