import { events, type EventName, type EventPayload } from '../../preload/contract.js';
import type { Logger } from '../log/logger.js';

export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Fans contract events out to every connected renderer (Electron windows, host sockets). */
export class EventBus {
  private readonly sinks = new Set<EventSink>();

  constructor(private readonly log: Logger) {}

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      this.log.error('event.bad_payload', { event });
      return;
    }
    for (const sink of this.sinks) {
      try {
        sink(event, checked.data as EventPayload<E>);
      } catch (error) {
        this.log.warn('event.sink_failed', { event, error: error as Error });
      }
    }
  }

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
