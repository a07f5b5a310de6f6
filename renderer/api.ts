/**
 * The renderer's only way to reach main. Inside Electron it uses `window.atrium` from preload; in a
 * plain browser it speaks the same contract to the host over a WebSocket (the session cookie
 * authorises it). Main validates inputs and outputs against the contract; this module imports its
 * types only, so zod stays out of the start-up bundle.
 */
import type {
  AtriumBridge,
  CallErrorShape,
  CallReply,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../preload/contract';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly shape: CallErrorShape) {
    super(shape.message);
  }
  get code(): CallErrorShape['code'] {
    return this.shape.code;
  }
}

function asCallError(value: unknown): CallErrorShape {
  const shape = value as Partial<CallErrorShape> | null;
  return shape && typeof shape.code === 'string' && typeof shape.message === 'string'
    ? (shape as CallErrorShape)
    : { code: 'internal', message: 'Atrium sent an unreadable error' };
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type ConnectionListener = (connected: boolean) => void;

/** The host transport: one socket, reconnecting with backoff when the host restarts. */
class HostSocketBridge implements AtriumBridge {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly connection = new Set<ConnectionListener>();
  private retryMs = 250;

  constructor(private readonly url: string) {}

  /** Opens the socket now, so the handshake overlaps the first render instead of following it. */
  connectEarly(): void {
    void this.open().catch(() => undefined);
  }

  async invoke(method: MethodName, input: unknown): Promise<CallReply> {
    const socket = await this.open();
    const id = this.nextId++;
    return new Promise<CallReply>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, input }));
    });
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    void this.open().catch(() => undefined);
    return () => set.delete(listener);
  }

  private open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        this.opening = null;
        this.retryMs = 250;
        this.connection.forEach((l) => l(true));
        resolve(socket);
      };
      socket.onmessage = (message) => this.receive(String(message.data));
      socket.onclose = () => {
        const wasOpen = this.socket === socket;
        this.socket = null;
        this.opening = null;
        for (const pending of this.pending.values()) pending.reject(new ApiError({ code: 'unavailable', message: 'Lost the connection to Atrium' }));
        this.pending.clear();
        if (wasOpen) this.connection.forEach((l) => l(false));
        if (!wasOpen) reject(new ApiError({ code: 'unavailable', message: 'Cannot reach Atrium' }));
        // Keep event subscriptions alive across host restarts.
        if (this.listeners.size > 0) {
          setTimeout(() => void this.open().catch(() => undefined), this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 5_000);
        }
      };
    });
    return this.opening;
  }

  private receive(text: string): void {
    let message: { id?: number | null; ok?: boolean; result?: unknown; error?: unknown; event?: string; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.event === 'string') {
      this.listeners.get(message.event)?.forEach((listener) => listener(message.payload));
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending || typeof message.id !== 'number') return;
    this.pending.delete(message.id);
    pending.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: asCallError(message.error) });
  }
}

function chooseBridge(): AtriumBridge & { connection?: Set<ConnectionListener> } {
  const injected = (globalThis as { atrium?: AtriumBridge }).atrium;
  if (injected) return injected;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const host = new HostSocketBridge(`${scheme}//${location.host}/rpc`);
  host.connectEarly();
  return host;
}

const bridge = chooseBridge();

export const api = {
  /** Calls a contract method; rejects with ApiError carrying the contract's error code. */
  async call<M extends MethodName>(method: M, ...args: MethodInput<M> extends void ? [] : [MethodInput<M>]): Promise<MethodOutput<M>> {
    const reply = await bridge.invoke(method, args[0]);
    if (!reply.ok) throw new ApiError(asCallError(reply.error));
    return reply.result as MethodOutput<M>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return bridge.on(event, (payload) => listener(payload as EventPayload<E>));
  },
  /** Host mode only: tells the UI when the connection to main drops and comes back. */
  onConnection(listener: ConnectionListener): () => void {
    bridge.connection?.add(listener);
    return () => bridge.connection?.delete(listener);
  },
  get transport(): 'electron' | 'host' {
    return bridge instanceof HostSocketBridge ? 'host' : 'electron';
  },
};
