import { BinaryRoutes, type BinaryResponse } from '../binary/binaryRoutes.js';
import type { CallContext } from '../ipc/callContext.js';

/**
 * The binary routes (image frames, thumbnails: patient data) behind the idle lock: while the
 * station is locked every request is refused with CallError('locked'), which both transports turn
 * into a 403, before any route handler runs.
 */
export class LockAwareBinaryRoutes extends BinaryRoutes {
  constructor(private readonly gate: () => void | Promise<void>) {
    super();
  }

  override async handle(pathname: string, query: URLSearchParams, context: CallContext, signal: AbortSignal): Promise<BinaryResponse> {
    await this.gate();
    return super.handle(pathname, query, context, signal);
  }
}
