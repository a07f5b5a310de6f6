import { cache, canRenderFloatTextures, Enums, eventTarget, setVolumesForViewports, TiledRenderingEngine, utilities, volumeLoader, type Types, type VolumeViewport } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import type { OpenedSeries } from '../../../../preload/contract';
import { CONTEXT_LOST_NOTICE, watchContextLoss } from './contextLoss';
import { orientationMarkers, type OrientationMarkers, type Vec3 } from './orientationMarkers';
import { imageIdsOf } from './seriesImages';
import { createMprTools, destroyMprTools, MPR_LEFT_TOOLS, setLeftTool, type MprLeftTool } from './viewerTools';

export const MPR_VIEWS = ['axial', 'sagittal', 'coronal'] as const;
export type MprView = (typeof MPR_VIEWS)[number];

export interface MprReadout {
  /** The voxel under the cursor: column and row in its slice, and the slice's index in the series. */
  readonly column: number;
  readonly row: number;
  readonly slice: number;
  readonly hu: number;
  /** The point under the cursor (world, mm). */
  readonly world: Vec3;
}

export interface MprViewState {
  /** Slice shown along this view's normal (0-based) and how many there are. */
  readonly slice: number;
  readonly sliceCount: number;
  /** The camera's focal point (world, mm): on the plane shown. */
  readonly focalPoint: Vec3;
  readonly markers: OrientationMarkers;
  /** Millimetres per screen pixel across and down: equal when the view keeps the physical aspect. */
  readonly mmPerPixel: readonly [number, number];
  /** This view's own window (the synchronizer keeps the three equal). */
  readonly voi: { readonly center: number; readonly width: number } | null;
  readonly readout: MprReadout | null;
}

export interface MprState {
  readonly views: Readonly<Record<MprView, MprViewState | null>>;
  readonly framesLoaded: number;
  readonly voi: { readonly center: number; readonly width: number } | null;
  readonly invert: boolean;
  readonly tool: MprLeftTool;
  /** The view the keys act on: the last one hovered. */
  readonly active: MprView;
  readonly notice: string | null;
}

const ORIENTATION: Record<MprView, Enums.OrientationAxis> = {
  axial: Enums.OrientationAxis.AXIAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
  coronal: Enums.OrientationAxis.CORONAL,
};

let sessions = 0;

function sub(a: Types.Point3, b: Types.Point3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/**
 * Axial, sagittal and coronal reformats of one series: one volume built over the stack's decoded
 * slices (no second fetch or decode), three orthographic viewports linked by crosshairs, one window
 * for all three. The volume fills as slices arrive; a lost WebGL context rebuilds the engine where it was.
 */
export class MprSession {
  private engine: TiledRenderingEngine | null = null;
  private readonly ids: Record<MprView, string>;
  private readonly groupId: string;
  private readonly syncId: string;
  private readonly volumeId: string;
  private readonly imageIds: string[];
  private current: MprState;
  private generation = 0;
  private disposed = false;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly elements: Readonly<Record<MprView, HTMLDivElement>>,
    private readonly series: OpenedSeries,
    private readonly onChange: (state: MprState) => void,
    initialVoi: { center: number; width: number } | null,
  ) {
    const n = ++sessions;
    this.ids = { axial: `mpr-${n}-axial`, sagittal: `mpr-${n}-sagittal`, coronal: `mpr-${n}-coronal` };
    this.groupId = `mpr-tools-${n}`;
    this.syncId = `mpr-voi-${n}`;
    this.volumeId = `cornerstoneStreamingImageVolume:atrium-mpr-${n}`;
    this.imageIds = imageIdsOf(series);
    const preset = series.windowPresets[0];
    this.current = {
      views: { axial: null, sagittal: null, coronal: null },
      framesLoaded: 0,
      voi: initialVoi ?? (preset ? { center: preset.center, width: preset.width } : null),
      invert: false,
      tool: 'crosshairs',
      active: 'axial',
      notice: canRenderFloatTextures() ? null : 'This graphics driver cannot filter 32-bit float textures; reformats may look blocky or fail to show.',
    };
  }

  get state(): MprState {
    return this.current;
  }

  /**
   * Builds the volume and shows the three views. Needs cornerstone set up and the series registered,
   * which the stack view (always mounted before the reformats) has done, and a series that passes
   * `volumeRefusal`.
   */
  async start(): Promise<void> {
    const onModified = (event: Event) => {
      const detail = (event as CustomEvent<{ volumeId: string; framesProcessed: number }>).detail;
      if (detail.volumeId === this.volumeId) this.update({ framesLoaded: detail.framesProcessed });
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_VOLUME_MODIFIED, onModified);
    this.off.push(() => eventTarget.removeEventListener(Enums.Events.IMAGE_VOLUME_MODIFIED, onModified));
    this.off.push(watchContextLoss(() => this.engine?.id, () => this.recreate()));
    for (const view of MPR_VIEWS) {
      const element = this.elements[view];
      const sync = () => this.syncView(view);
      for (const name of [Enums.Events.CAMERA_MODIFIED, Enums.Events.IMAGE_RENDERED]) {
        element.addEventListener(name, sync);
        this.off.push(() => element.removeEventListener(name, sync));
      }
      const onVoi = () => this.syncVoi(view);
      element.addEventListener(Enums.Events.VOI_MODIFIED, onVoi);
      this.off.push(() => element.removeEventListener(Enums.Events.VOI_MODIFIED, onVoi));
    }
    await this.mount(null);
  }

  /** (Re)creates the engine and viewports on the volume; `centre` restores the crosshairs' point after a context loss. */
  private async mount(centre: Types.Point3 | null): Promise<void> {
    const generation = ++this.generation;
    // Tiled: one WebGL context for the three views. The default context-pool engine makes seven, and
    // with the stack view's Chromium's limit of 16 is passed: the oldest (the stack's) would be lost.
    const engine = new TiledRenderingEngine(`atrium-mpr-${this.ids.axial}-${generation}`);
    this.engine = engine;
    engine.setViewports(
      MPR_VIEWS.map((view) => ({
        viewportId: this.ids[view],
        type: Enums.ViewportType.ORTHOGRAPHIC,
        element: this.elements[view],
        defaultOptions: { orientation: ORIENTATION[view], background: [0, 0, 0] as Types.Point3 },
      })),
    );
    if (!cache.getVolume(this.volumeId)) {
      const volume = await volumeLoader.createAndCacheVolume(this.volumeId, { imageIds: this.imageIds });
      // Slices the stack already decoded are taken from the cache; the rest load through the same loader.
      volume.load();
    }
    // Closed while the volume was being made: dispose() ran before it existed.
    if (this.disposed) this.removeVolume();
    if (this.disposed || generation !== this.generation) return;
    await setVolumesForViewports(engine, [{ volumeId: this.volumeId }], MPR_VIEWS.map((view) => this.ids[view]));
    if (this.disposed || generation !== this.generation) return;
    const group = createMprTools(this.groupId, this.syncId, MPR_VIEWS.map((view) => this.ids[view]), engine.id);
    setLeftTool(group, this.current.tool, MPR_LEFT_TOOLS);
    const { voi, invert } = this.current;
    for (const view of MPR_VIEWS) {
      const viewport = this.viewport(view);
      if (voi) viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(voi.width, voi.center), invert });
      if (centre) viewport.jumpToWorld(centre);
    }
    engine.render();
  }

  private async recreate(): Promise<void> {
    if (this.disposed) return;
    // The crosshairs' centre: x from the sagittal plane, y from the coronal, z from the axial.
    const [sagittal, coronal, axial] = [this.current.views.sagittal, this.current.views.coronal, this.current.views.axial];
    const centre: Types.Point3 | null = sagittal && coronal && axial ? [sagittal.focalPoint[0], coronal.focalPoint[1], axial.focalPoint[2]] : null;
    this.update({ notice: CONTEXT_LOST_NOTICE });
    destroyMprTools(this.groupId, this.syncId);
    try {
      this.engine?.destroy();
    } catch {
      // A lost context can fail teardown; the new engine does not depend on it.
    }
    // The 3D texture lived in the lost context: rebuild the volume over the (still cached) slices.
    this.removeVolume();
    await this.mount(centre);
  }

  private viewport(view: MprView): VolumeViewport {
    const viewport = this.engine?.getViewport(this.ids[view]);
    if (!viewport) throw new Error('The reformats are not ready');
    return viewport as VolumeViewport;
  }

  private update(patch: Partial<MprState>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    this.onChange(this.current);
  }

  private syncView(view: MprView): void {
    const viewport = this.disposed ? undefined : (this.engine?.getViewport(this.ids[view]) as VolumeViewport | undefined);
    if (!viewport || !viewport.getDefaultActor()) return;
    const { width, height } = viewport.canvas.getBoundingClientRect();
    const centre = viewport.canvasToWorld([width / 2, height / 2]);
    const across = sub(viewport.canvasToWorld([width / 2 + 1, height / 2]), centre);
    const down = sub(viewport.canvasToWorld([width / 2, height / 2 + 1]), centre);
    const focal = viewport.getCamera().focalPoint ?? centre;
    const { voiRange } = viewport.getProperties() ?? {};
    const voi = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : null;
    const previous = this.current.views[view];
    const next: MprViewState = {
      slice: viewport.getSliceIndex(),
      sliceCount: viewport.getNumberOfSlices(),
      focalPoint: [focal[0], focal[1], focal[2]],
      markers: orientationMarkers(across, [-down[0], -down[1], -down[2]]),
      mmPerPixel: [Math.hypot(...across), Math.hypot(...down)],
      voi: voi ? { center: voi.windowCenter, width: voi.windowWidth } : null,
      readout: previous?.readout ?? null,
    };
    if (JSON.stringify(next) !== JSON.stringify(previous)) this.update({ views: { ...this.current.views, [view]: next } });
  }

  private syncVoi(view: MprView): void {
    this.syncView(view);
    const viewport = this.engine?.getViewport(this.ids[view]) as VolumeViewport | undefined;
    const { voiRange, invert } = viewport?.getProperties() ?? {};
    if (!voiRange) return;
    const { windowCenter, windowWidth } = utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper);
    const { voi } = this.current;
    if (voi?.center !== windowCenter || voi?.width !== windowWidth || Boolean(invert) !== this.current.invert) {
      this.update({ voi: { center: windowCenter, width: windowWidth }, invert: Boolean(invert) });
    }
  }

  /** The HU under a point in `view`'s CSS pixels (nearest voxel; null outside the volume or before its slice arrived). */
  hover(view: MprView, canvasX: number, canvasY: number): void {
    const state = this.current.views[view];
    if (!this.engine || !state) return;
    const viewport = this.viewport(view);
    const volume = cache.getVolume(this.volumeId);
    if (!volume) return;
    const world = viewport.canvasToWorld([canvasX, canvasY]);
    const [i, j, k] = utilities.transformWorldToIndex(volume.imageData, world);
    const [columns, rows, depth] = volume.dimensions;
    const inside = i >= 0 && j >= 0 && k >= 0 && i < columns && j < rows && k < depth;
    const hu = inside ? volume.voxelManager?.getAtIJK(i, j, k) : undefined;
    const imageId = inside ? volume.imageIds[k] : undefined;
    const readout = typeof hu === 'number' && imageId ? { column: i, row: j, slice: this.imageIds.indexOf(imageId), hu, world: [world[0], world[1], world[2]] as Vec3 } : null;
    this.update({ active: view, views: { ...this.current.views, [view]: { ...state, readout } } });
  }

  /** Scrolls the active view by `delta` slices. */
  step(delta: number): void {
    const viewport = this.viewport(this.current.active);
    viewport.scroll(delta);
  }

  /** Shows slice `index` (clamped) in the active view. */
  goTo(index: number): void {
    const { active, views } = this.current;
    const state = views[active];
    if (!state) return;
    const target = Math.max(0, Math.min(state.sliceCount - 1, index));
    this.step(target - state.slice);
  }

  setWindow(center: number, width: number): void {
    // The VOI synchronizer carries it to the other two.
    const viewport = this.viewport(this.current.active);
    viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(width, center) });
    viewport.render();
  }

  toggleInvert(): void {
    const viewport = this.viewport(this.current.active);
    viewport.setProperties({ invert: !viewport.getProperties()?.invert });
    viewport.render();
  }

  zoomBy(factor: number): void {
    const viewport = this.viewport(this.current.active);
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
  }

  /** Fit and centre all three, crosshairs back to the volume's centre; the window stays. */
  reset(): void {
    for (const view of MPR_VIEWS) this.viewport(view).resetCamera();
    this.engine?.render();
  }

  setTool(tool: MprLeftTool): void {
    const group = ToolGroupManager.getToolGroup(this.groupId);
    if (group) setLeftTool(group, tool, MPR_LEFT_TOOLS);
    this.update({ tool });
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.off.splice(0)) off();
    destroyMprTools(this.groupId, this.syncId);
    try {
      this.engine?.destroy();
    } finally {
      this.engine = null;
      this.removeVolume();
    }
  }

  /** Drops the volume (and its texture); its slices stay cached for the stack view. */
  private removeVolume(): void {
    if (cache.getVolume(this.volumeId)) cache.removeVolumeLoadObject(this.volumeId);
  }
}
