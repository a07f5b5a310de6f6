import { planWindow } from './cacheBudget';

export interface PrefetchHooks {
  /** Loads slice `index` into the cache; rejects when it cannot be fetched or decoded. */
  readonly load: (index: number) => Promise<void>;
  /** Whether slice `index` is still in the cache (cornerstone may have dropped it). */
  readonly isCached: (index: number) => boolean;
  readonly evict: (index: number) => void;
  readonly onLoaded: (index: number) => void;
  readonly onFailed: (index: number, error: unknown) => void;
}

/**
 * Loads the slices of a series nearest the focus first, `concurrency` at a time, and keeps only the
 * `capacity` nearest in the cache: when the focus moves, the farthest slices are evicted and the new
 * neighbours loaded. A failed slice is not retried until `retry` (its error tile stays up meanwhile).
 */
export class Prefetcher {
  private focusIndex: number;
  private readonly inFlight = new Set<number>();
  private readonly loaded = new Set<number>();
  private readonly failed = new Set<number>();
  private stopped = false;
  private settledWaiters: Array<() => void> = [];

  constructor(
    private readonly count: number,
    private readonly capacity: number,
    private readonly concurrency: number,
    private readonly hooks: PrefetchHooks,
    focus: number,
  ) {
    this.focusIndex = focus;
  }

  get loadedCount(): number {
    return this.loaded.size;
  }

  start(): void {
    this.pump();
  }

  focus(index: number): void {
    this.focusIndex = index;
    this.pump();
  }

  /** A slice loaded elsewhere (e.g. by the viewport itself). */
  markLoaded(index: number): void {
    this.failed.delete(index);
    this.loaded.add(index);
  }

  markFailed(index: number): void {
    this.failed.add(index);
  }

  retry(index: number): void {
    this.failed.delete(index);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    for (const settled of this.settledWaiters.splice(0)) settled();
  }

  /** Resolves once every slice of the window is loaded or has failed: nothing in flight, nothing left. */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    for (const index of this.loaded) if (!this.hooks.isCached(index)) this.loaded.delete(index);
    const { wanted, evict } = planWindow(this.focusIndex, this.count, this.capacity, this.loaded);
    for (const index of evict) {
      this.loaded.delete(index);
      this.hooks.evict(index);
    }
    for (const index of wanted) {
      if (this.inFlight.size >= this.concurrency) return;
      if (this.loaded.has(index) || this.inFlight.has(index) || this.failed.has(index)) continue;
      this.inFlight.add(index);
      this.hooks.load(index).then(
        () => {
          this.inFlight.delete(index);
          if (this.stopped) return;
          this.loaded.add(index);
          this.hooks.onLoaded(index);
          this.pump();
        },
        (error: unknown) => {
          this.inFlight.delete(index);
          if (this.stopped) return;
          this.failed.add(index);
          this.hooks.onFailed(index, error);
          this.pump();
        },
      );
    }
    // Nothing in flight after a full pass: every wanted slice is loaded or failed.
    if (this.inFlight.size === 0) for (const settled of this.settledWaiters.splice(0)) settled();
  }
}
