/** The only two IPC channels: every contract call goes over one, every event over the other. */
export const CALL_CHANNEL = 'atrium:call';
export const EVENT_CHANNEL = 'atrium:event';
