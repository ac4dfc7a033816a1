import { transferHandlers } from 'comlink';
import { EmoLensError, type ErrorDetails, type ErrorCode } from '@emolens/schema';

interface SerializedThrow {
  emolens: boolean;
  name: string;
  message: string;
  stack?: string | undefined;
  code?: ErrorCode;
  details?: ErrorDetails;
  requestId?: string | undefined;
}

/**
 * Replaces Comlink's `throw` transfer handler on this side of the boundary so that an
 * {@link EmoLensError} thrown in the worker arrives on the main thread with its `code`, `details` and
 * `requestId`; any other error arrives as `INTERNAL_ERROR` with its message. Call it in both realms.
 */
export function registerErrorTransfer(): void {
  transferHandlers.set('throw', {
    // Comlink marks thrown values with a private symbol described as "Comlink.thrown".
    canHandle: (value: unknown): value is { value: unknown } =>
      typeof value === 'object' && value !== null && Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown'),
    serialize: ({ value }: { value: unknown }) => {
      const error = value instanceof Error ? value : new Error(String(value));
      const body: SerializedThrow =
        error instanceof EmoLensError
          ? { emolens: true, name: error.name, message: error.message, stack: error.stack, code: error.code, details: error.details, requestId: error.requestId }
          : { emolens: false, name: error.name, message: error.message, stack: error.stack };
      return [body, []];
    },
    deserialize: (body: SerializedThrow) => {
      if (body.emolens && body.code) {
        throw new EmoLensError(body.code, body.message, body.details ?? {}, { requestId: body.requestId });
      }
      throw new EmoLensError('INTERNAL_ERROR', body.message, { reason: `${body.name} in the worker`, kind: 'unexpected', stack: body.stack });
    },
  });
}
