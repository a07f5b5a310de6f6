import type { CallErrorCode, CallErrorShape } from '../../preload/contract.js';

/** An error meant for the caller: its code and message cross the boundary, nothing else does. */
export class CallError extends Error {
  override readonly name = 'CallError';
  constructor(
    readonly code: CallErrorCode,
    message: string,
    readonly issues?: CallErrorShape['issues'],
  ) {
    super(message);
  }

  toShape(): CallErrorShape {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}
