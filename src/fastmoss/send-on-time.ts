import type { Dispatcher } from 'undici';
import type { StartPermit } from './limiter.ts';

/**
 * The request's start was missed: by the time its connection was ready to write it, the permit
 * had expired (the machine was too busy to send it near its moment). Nothing was written, so no
 * call was made; the client asks for a new start. Never leaves the client.
 */
export class MissedStartError extends Error {
  readonly code = 'FASTMOSS_MISSED_START';

  constructor() {
    super(
      'the request was not sent: it could no longer start within its rate permit, so it waits for a new start',
    );
    this.name = 'MissedStartError';
  }
}

/**
 * An undici interceptor that checks `permit` at the last moment before the request's first byte
 * is written (undici calls `onRequestStart` on the connection right before it writes the
 * headers, after any connect and queueing): still on time, `onWrite` is called and the request
 * goes; late, the request fails with MissedStartError and is never written, and its connection
 * stays open for the next request.
 */
export function writeOnTime(
  permit: StartPermit,
  onWrite: () => void,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(options, {
      onRequestStart(controller, context) {
        if (!permit.onTime()) throw new MissedStartError();
        onWrite();
        handler.onRequestStart?.(controller, context);
      },
      onRequestUpgrade: (controller, statusCode, headers, socket) =>
        handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) =>
        handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    });
}
