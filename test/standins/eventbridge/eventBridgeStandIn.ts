/**
 * A local stand-in for Amazon EventBridge's PutEvents, speaking its wire protocol (JSON 1.1:
 * `POST /` with `X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`). It records every
 * entry it accepts and can misbehave the ways the real service and networks do: whole requests
 * refused (400 ThrottlingException, 500 InternalException), a response lost after the events were
 * recorded (the socket is cut), and partial failure (`FailedEntryCount` > 0 with per-entry error codes).
 * Dev and test only.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { listenOnLoopback, readBody, type LoopbackServer } from '../loopbackServer.js';

export interface RecordedEvent {
  readonly eventId: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly time: string | null;
  /** Which PutEvents request (1-based) carried it. */
  readonly request: number;
}

export type RequestFault = 'throttle' | 'internal' | 'drop-response';

/** Per-entry failure codes PutEvents reports inside a 200 answer. */
export type EntryFailure = 'InternalFailure' | 'ThrottlingException';

const PutEventsRequest = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: z.string().optional(),
        Time: z.union([z.number(), z.string()]).optional(),
        Resources: z.array(z.string()).optional(),
      }),
    )
    .min(1)
    .max(10),
});

/** EventBridge's documented limit on one PutEvents request. */
const MAX_REQUEST_BYTES = 256 * 1024;

export class EventBridgeStandIn {
  /** Every entry accepted, in arrival order; a retried request that had already landed appears twice. */
  readonly received: RecordedEvent[] = [];
  requests = 0;
  /** Called for each entry accepted (the CLI prints them). */
  onEvent: ((event: RecordedEvent) => void) | undefined;
  private readonly faults: RequestFault[] = [];
  private entryFaults: { match: (detail: Readonly<Record<string, unknown>>) => boolean; code: EntryFailure; times: number }[] = [];

  private constructor(
    private readonly server: LoopbackServer,
    readonly endpoint: string = server.url,
  ) {}

  static async start(port = 0): Promise<EventBridgeStandIn> {
    let self: EventBridgeStandIn | undefined;
    const server = await listenOnLoopback((req, res) => void self?.handle(req, res), port);
    self = new EventBridgeStandIn(server);
    return self;
  }

  /** The next requests misbehave, one fault each, in order. */
  failNext(...faults: RequestFault[]): void {
    this.faults.push(...faults);
  }

  /** Entries whose detail matches fail with `code` (inside a 200 answer) the next `times` times. */
  failEntries(match: (detail: Readonly<Record<string, unknown>>) => boolean, code: EntryFailure = 'InternalFailure', times = 1): void {
    this.entryFaults.push({ match, code, times });
  }

  /**
   * The events as a downstream consumer de-duplicating on `key` sees them: the first of each key.
   * EventBridge itself delivers at least once; consumers of `ImageVerified` de-duplicate on verificationId.
   */
  deliveredOnce(key: (detail: Readonly<Record<string, unknown>>) => unknown): RecordedEvent[] {
    const seen = new Set<unknown>();
    return this.received.filter((e) => {
      const k = key(e.detail);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify({ __type: type, message }));
    };
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') return error(400, 'UnknownOperationException', 'only AWSEvents.PutEvents is served here');
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return error(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    this.requests++;
    const fault = this.faults.shift();
    if (fault === 'throttle') return error(400, 'ThrottlingException', 'Rate exceeded');
    if (fault === 'internal') return error(500, 'InternalException', 'An internal error occurred');
    if (body.length > MAX_REQUEST_BYTES) return error(400, 'ValidationException', `Total size of the entries in the request is over the limit of ${MAX_REQUEST_BYTES} bytes`);
    let parsed;
    try {
      parsed = PutEventsRequest.safeParse(JSON.parse(body.toString('utf8')));
    } catch {
      return error(400, 'SerializationException', 'request body is not JSON');
    }
    if (!parsed.success) return error(400, 'ValidationException', z.prettifyError(parsed.error));

    const request = this.requests;
    const entries = parsed.data.Entries.map((entry) => {
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required' };
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
      const record = detail as Record<string, unknown>;
      const injected = this.entryFaults.find((f) => f.times > 0 && f.match(record));
      if (injected) {
        injected.times--;
        return { ErrorCode: injected.code, ErrorMessage: `stand-in: injected ${injected.code}` };
      }
      const eventId = randomUUID();
      const time = entry.Time === undefined ? null : typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString() : entry.Time;
      const event = { eventId, eventBusName: entry.EventBusName ?? 'default', source: entry.Source, detailType: entry.DetailType, detail: record, time, request };
      this.received.push(event);
      this.onEvent?.(event);
      return { EventId: eventId };
    });
    if (fault === 'drop-response') {
      // Recorded, but the answer never arrives: the client cannot tell and must send again.
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries }));
  }
}
