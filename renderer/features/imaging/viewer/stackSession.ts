import { cache, Enums, eventTarget, imageLoader, init as initCore, RenderingEngine, utilities, type StackViewport, type Types } from '@cornerstonejs/core';
import { ToolGroupManager, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { OpenedSeries } from '../../../../preload/contract';
import { api } from '../../../api';
import { useAppStore } from '../../../app/store';
import { slicesInBudget, VIEWER_CACHE_BYTES, sliceBytes } from './cacheBudget';
import { CONTEXT_LOST_NOTICE, watchContextLoss } from './contextLoss';
import { Prefetcher } from './prefetcher';
import { decodePool, imageIdOf, imageIdsOf, installSeriesImages, markPhasesOf, registerSeries, unregisterSeries, warmUpSeries } from './seriesImages';
import { createStackTools, installTools, measurementsFor, setLeftTool, type LeftTool, type Measurement } from './viewerTools';

export interface HuReadout {
  /** Image pixel (column, row) under the cursor, and the exact (fractional) image coordinates. */
  readonly column: number;
  readonly row: number;
  readonly x: number;
  readonly y: number;
  readonly hu: number;
}

export interface ViewerState {
  /** The slice asked for (what the counter shows), and the one on screen. */
  readonly index: number;
  readonly shown: number | null;
  readonly loaded: number;
  readonly failed: ReadonlyMap<number, string>;
  readonly voi: { readonly center: number; readonly width: number } | null;
  readonly invert: boolean;
  readonly zoom: number;
  readonly tool: LeftTool;
  readonly cine: boolean;
  readonly readout: HuReadout | null;
  readonly measurements: readonly Measurement[];
  /** Something the user must know about the viewer itself (e.g. the GPU context was lost). */
  readonly notice: string | null;
}

const CINE_FPS = 15;
/** Decode workers plus a little so the link never idles while workers are busy. */
const PREFETCH_EXTRA = 2;
let coreReady = false;
let sessions = 0;

function setUpCornerstone(): void {
  if (!coreReady) {
    initCore();
    installTools();
    installSeriesImages();
    coreReady = true;
  }
  // Cornerstone's own eviction is the safety net; the prefetcher keeps it under budget first.
  cache.setMaxCacheSize(VIEWER_CACHE_BYTES + 4 * 1024 * 1024);
}

/** A rendering engine made before anyone waits for it (see prepareViewer), for the next session. */
let spareEngine: RenderingEngine | null = null;
/** The spare engine's warm-up render while it runs: a session waits for it rather than share the engine. */
let warmingUp: Promise<void> | null = null;
let engines = 0;
/** Sessions not yet disposed: no spare is made beside a live one's engine. */
let liveSessions = 0;

function takeEngine(): RenderingEngine {
  const engine = spareEngine ?? new RenderingEngine(`atrium-ct-${++engines}`);
  spareEngine = null;
  return engine;
}

/**
 * Readies what every series needs, before the first one is opened (the imaging workspace calls it when
 * it opens, while the radiologist picks a study): cornerstone and its tools initialised, a decode
 * worker started with the codec compiled and warmed, and a rendering engine (with its WebGL contexts)
 * for the first viewer. Nothing is fetched or rendered.
 */
export function prepareViewer(): void {
  setUpCornerstone();
  decodePool().warm();
  // Creating the contexts holds this thread for a while (long with software WebGL): only once the
  // workspace has drawn and the thread is idle. Never beside a live viewer's engine: Chromium keeps
  // 16 WebGL contexts per page and drops the oldest past that.
  requestIdleCallback(
    () => {
      if (liveSessions > 0 || spareEngine) return;
      spareEngine = new RenderingEngine(`atrium-ct-${++engines}`);
      // The mark tells DevTools (and the viewer bench, which clicks after it) that the viewer is ready.
      warmingUp = warmUpRendering(spareEngine)
        .then(() => void performance.mark('atrium:viewer-warmed-up'), () => undefined)
        .finally(() => (warmingUp = null));
    },
    { timeout: 2000 },
  );
}

/** The longest a session waits for the warm-up render. */
const WARM_UP_LIMIT_MS = 2000;

/**
 * Renders a synthetic 512×512 slice once in a hidden viewport of `engine`, so the first real slice does
 * not pay for compiling the viewer's shaders and setting up its rendering pipeline (a few hundred ms
 * with software WebGL).
 */
async function warmUpRendering(engine: RenderingEngine): Promise<void> {
  const { series, release } = warmUpSeries();
  const element = document.createElement('div');
  element.setAttribute('aria-hidden', 'true');
  element.style.cssText = 'position:fixed;left:-10000px;top:0;width:512px;height:512px;';
  document.body.append(element);
  const viewportId = 'atrium-warm-up';
  try {
    engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
    const viewport = engine.getViewport(viewportId) as StackViewport;
    const rendered = new Promise<void>((resolve) => element.addEventListener(Enums.Events.IMAGE_RENDERED, () => resolve(), { once: true }));
    await viewport.setStack(imageIdsOf(series), 0);
    viewport.render();
    // A session waits for this: a render that never reports back must not hold the viewer up.
    await Promise.race([rendered, new Promise((resolve) => setTimeout(resolve, WARM_UP_LIMIT_MS))]);
  } finally {
    if (!engine.hasBeenDestroyed && engine.getViewport(viewportId)) engine.disableElement(viewportId);
    element.remove();
    release();
  }
}

/** Whether slices are shown as they arrive (the default) rather than once all of them are loaded. */
function progressiveDisplay(): boolean {
  return useAppStore.getState().settings?.values['imaging.viewer.progressiveDisplay'] ?? true;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/**
 * One series in one stack viewport: the rendering engine and tools, progressive loading (the first
 * slice alone, then outward), and everything the viewer's buttons and keys do. Owns no DOM beyond the
 * element it renders into; the React component draws the overlays from `state`.
 */
export class StackSession {
  private engine: RenderingEngine | null = null;
  private readonly viewportId: string;
  private readonly groupId: string;
  private readonly imageIds: string[];
  private readonly prefetcher: Prefetcher;
  private readonly failed = new Map<number, string>();
  private current: ViewerState;
  private cineTimer: ReturnType<typeof setInterval> | null = null;
  private focusTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly offCore: Array<() => void> = [];

  constructor(
    private readonly element: HTMLDivElement,
    private readonly series: OpenedSeries,
    private readonly onChange: (state: ViewerState) => void,
    private readonly onFirstImage: () => void = () => undefined,
  ) {
    const n = ++sessions;
    liveSessions++;
    this.viewportId = `ct-${n}`;
    this.groupId = `ct-tools-${n}`;
    this.imageIds = imageIdsOf(series);
    const opening = series.openingIndex;
    this.current = { index: opening, shown: null, loaded: 0, failed: this.failed, voi: null, invert: false, zoom: 1, tool: 'window', cine: false, readout: null, measurements: [], notice: null };
    const capacity = Math.min(series.frameCount, slicesInBudget(series.rows, series.columns));
    this.prefetcher = new Prefetcher(series.frameCount, capacity, decodePool().size + PREFETCH_EXTRA, {
      load: async (index) => {
        await imageLoader.loadAndCacheImage(imageIdOf(series, index), { priority: 0, requestType: Enums.RequestType.Prefetch });
      },
      isCached: (index) => cache.isLoaded(imageIdOf(series, index)),
      evict: (index) => cache.removeImageLoadObject(imageIdOf(series, index), { force: true }),
      onLoaded: () => this.update({ loaded: this.prefetcher.loadedCount }),
      onFailed: (index, error) => this.fail(index, error),
    }, opening);
  }

  get state(): ViewerState {
    return this.current;
  }

  get bytesPerSlice(): number {
    return sliceBytes(this.series.rows, this.series.columns);
  }

  /**
   * Shows the middle slice as soon as it decodes, then loads its neighbours nearest first; with
   * progressive display off (a setting), loads every slice first and then shows the middle one.
   */
  async start(): Promise<void> {
    // User Timing marks: the phases of opening a series, for DevTools and the viewer bench.
    performance.mark('ct-viewer:start');
    setUpCornerstone();
    registerSeries(this.series);
    const onLoadError = (event: Event) => {
      const detail = (event as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      const index = detail?.imageId ? this.imageIds.indexOf(detail.imageId) : -1;
      if (index >= 0) this.fail(index, detail.error);
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
    this.offCore.push(
      () => eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError),
      watchContextLoss(() => this.engine?.id, () => this.recreate()),
    );
    this.listenToElement();
    if (!progressiveDisplay()) {
      await this.prefetcher.whenSettled();
      performance.mark('ct-viewer:all-loaded');
      if (this.disposed) return;
      await this.mount(this.current.index);
      return;
    }
    // The first slice's fetch and decode start now, alongside the engine's set-up; setStack then
    // finds it in flight in the cache instead of asking again.
    const first = imageIdOf(this.series, this.current.index);
    markPhasesOf(first);
    imageLoader.loadAndCacheImage(first, { priority: -10, requestType: Enums.RequestType.Interaction }).catch(() => undefined);
    await this.mount(this.current.index);
    performance.mark('ct-viewer:first-loaded');
    if (!this.disposed) this.prefetcher.start();
  }

  private listenToElement(): void {
    const on = (name: string, handler: (event: Event) => void) => {
      this.element.addEventListener(name, handler);
      this.offCore.push(() => this.element.removeEventListener(name, handler));
    };
    on(Enums.Events.PRE_STACK_NEW_IMAGE, (event) => {
      const index = (event as CustomEvent<{ imageIdIndex: number }>).detail.imageIdIndex;
      this.focusOn(index);
    });
    on(Enums.Events.STACK_NEW_IMAGE, (event) => {
      const index = (event as CustomEvent<{ imageIdIndex: number }>).detail.imageIdIndex;
      this.failed.delete(index);
      this.prefetcher.markLoaded(index);
      this.update({ shown: index, loaded: this.prefetcher.loadedCount });
    });
    on(Enums.Events.IMAGE_RENDERED, () => {
      if (this.current.shown !== null) this.onFirstImage();
      this.syncView();
    });
    on(Enums.Events.VOI_MODIFIED, () => this.syncView());
    on(Enums.Events.CAMERA_MODIFIED, () => this.syncView());
    const measured = () => this.update({ measurements: measurementsFor(`atrium:${this.series.seriesId}/`) });
    for (const name of ['CORNERSTONE_TOOLS_ANNOTATION_COMPLETED', 'CORNERSTONE_TOOLS_ANNOTATION_MODIFIED', 'CORNERSTONE_TOOLS_ANNOTATION_REMOVED']) {
      eventTarget.addEventListener(name, measured);
      this.offCore.push(() => eventTarget.removeEventListener(name, measured));
    }
  }

  /** (Re)creates the engine, the viewport and its tools, and shows slice `index`. */
  private async mount(index: number): Promise<void> {
    // The warm-up's viewport is disabled when it is done, which resizes the engine's canvas: never
    // under a live viewport. It takes a few hundred ms at most.
    if (warmingUp) await warmingUp;
    if (this.disposed) return;
    this.engine = takeEngine();
    performance.mark('ct-viewer:engine-created');
    this.engine.enableElement({ viewportId: this.viewportId, type: Enums.ViewportType.STACK, element: this.element, defaultOptions: { background: [0, 0, 0] } });
    performance.mark('ct-viewer:viewport-enabled');
    createStackTools(this.groupId, this.viewportId, this.engine.id);
    setLeftTool(this.toolGroup(), this.current.tool);
    performance.mark('ct-viewer:engine-ready');
    try {
      await this.viewport().setStack(this.imageIds, index);
    } catch (error) {
      this.fail(index, error);
    }
  }

  private async recreate(): Promise<void> {
    if (this.disposed) return;
    const { index, voi, invert } = this.current;
    this.update({ notice: CONTEXT_LOST_NOTICE });
    try {
      this.engine?.destroy();
    } catch {
      // A lost context can fail teardown; the new engine does not depend on it.
    }
    await this.mount(index);
    if (voi) this.setWindow(voi.center, voi.width);
    if (invert) this.viewport().setProperties({ invert });
    this.viewport().render();
  }

  private toolGroup(): ToolTypes.IToolGroup {
    const group = ToolGroupManager.getToolGroup(this.groupId);
    if (!group) throw new Error('The viewer tools are not set up');
    return group;
  }

  viewport(): StackViewport {
    const viewport = this.engine?.getViewport(this.viewportId);
    if (!viewport) throw new Error('The viewer is not ready');
    return viewport as StackViewport;
  }

  private update(patch: Partial<ViewerState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch, failed: new Map(this.failed) };
    this.onChange(this.current);
  }

  private fail(index: number, error: unknown): void {
    this.failed.set(index, errorText(error));
    this.prefetcher.markFailed(index);
    this.update({});
  }

  /** Records the slice asked for, and tells main (debounced) so it prefetches outward from there too. */
  private focusOn(index: number): void {
    if (index === this.current.index && this.current.shown !== null) return;
    this.prefetcher.focus(index);
    this.update({ index });
    if (this.focusTimer) clearTimeout(this.focusTimer);
    this.focusTimer = setTimeout(() => {
      void api.call('imaging.series.focus', { seriesId: this.series.seriesId, index }).catch(() => undefined);
    }, 120);
  }

  private syncView(): void {
    // Cameras change while the viewport is still being enabled, before the engine lists it.
    const viewport = this.disposed ? undefined : (this.engine?.getViewport(this.viewportId) as StackViewport | undefined);
    if (!viewport) return;
    const { voiRange, invert } = viewport.getProperties();
    const voi = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : null;
    const zoom = viewport.getZoom();
    const next = voi ? { center: voi.windowCenter, width: voi.windowWidth } : null;
    const same = next?.center === this.current.voi?.center && next?.width === this.current.voi?.width && zoom === this.current.zoom && Boolean(invert) === this.current.invert;
    if (!same) this.update({ voi: next, zoom, invert: Boolean(invert) });
  }

  goTo(index: number): void {
    const target = Math.max(0, Math.min(this.series.frameCount - 1, index));
    this.focusOn(target);
    if (this.failed.has(target)) this.prefetcher.retry(target);
    this.viewport()
      .setImageIdIndex(target)
      .catch((error: unknown) => this.fail(target, error));
  }

  step(delta: number): void {
    this.goTo(this.current.index + delta);
  }

  setWindow(center: number, width: number): void {
    const viewport = this.viewport();
    const { lower, upper } = utilities.windowLevel.toLowHighRange(width, center);
    viewport.setProperties({ voiRange: { lower, upper } });
    viewport.render();
  }

  toggleInvert(): void {
    const viewport = this.viewport();
    viewport.setProperties({ invert: !viewport.getProperties().invert });
    viewport.render();
  }

  zoomBy(factor: number): void {
    const viewport = this.viewport();
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
  }

  /** Fit, centre, the header's window, no inversion. */
  reset(): void {
    const viewport = this.viewport();
    viewport.resetCamera();
    viewport.resetProperties();
    viewport.render();
  }

  setTool(tool: LeftTool): void {
    setLeftTool(this.toolGroup(), tool);
    this.update({ tool });
  }

  toggleCine(): void {
    if (this.cineTimer) {
      clearInterval(this.cineTimer);
      this.cineTimer = null;
      this.update({ cine: false });
      return;
    }
    this.cineTimer = setInterval(() => {
      // Wait on a slice still loading rather than skipping it.
      if (this.current.shown !== this.current.index) return;
      this.goTo(this.current.index + 1 >= this.series.frameCount ? 0 : this.current.index + 1);
    }, 1000 / CINE_FPS);
    this.update({ cine: true });
  }

  /** The HU under a point given in the element's CSS pixels (null outside the image). */
  hover(canvasX: number, canvasY: number): void {
    if (!this.engine || this.current.shown === null) return;
    const viewport = this.viewport();
    const imageId = viewport.getCurrentImageId();
    const image = imageId ? cache.getImage(imageId) : undefined;
    if (!imageId || !image) return;
    const world = viewport.canvasToWorld([canvasX, canvasY]);
    const [x, y] = utilities.worldToImageCoords(imageId, world) as [number, number];
    const column = Math.floor(x);
    const row = Math.floor(y);
    const inside = column >= 0 && row >= 0 && column < this.series.columns && row < this.series.rows;
    const value = inside ? image.voxelManager?.getAtIndex(row * this.series.columns + column) : undefined;
    this.update({ readout: typeof value === 'number' ? { column, row, x, y, hu: value } : null });
  }

  dispose(): void {
    if (!this.disposed) liveSessions--;
    this.disposed = true;
    this.prefetcher.stop();
    if (this.cineTimer) clearInterval(this.cineTimer);
    if (this.focusTimer) clearTimeout(this.focusTimer);
    for (const off of this.offCore.splice(0)) off();
    decodePool().clearQueue();
    try {
      ToolGroupManager.destroyToolGroup(this.groupId);
      this.engine?.destroy();
    } finally {
      this.engine = null;
      for (const imageId of this.imageIds) if (cache.getImageLoadObject(imageId)) cache.removeImageLoadObject(imageId, { force: true });
      unregisterSeries(this.series);
    }
  }
}
