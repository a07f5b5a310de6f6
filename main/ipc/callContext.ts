import type { Principal } from '../../preload/contract.js';

/**
 * What a handler knows about its caller, whichever transport carried the call. Only
 * main/electron/ maps Electron's IPC event onto this; the host maps its socket onto it.
 */
export interface CallContext {
  /** The origin that made the call: `atrium://app` in Electron, `http://127.0.0.1:<port>` in the host. */
  readonly origin: string;
  /** The URL of the frame that made the call. */
  readonly frameUrl: string;
  /** Who is working; leases and audit entries name this principal. */
  readonly principal: Principal;
}
