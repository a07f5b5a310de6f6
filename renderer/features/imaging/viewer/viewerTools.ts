import {
  AngleTool,
  addTool,
  CrosshairsTool,
  annotation,
  EllipticalROITool,
  Enums as ToolEnums,
  init as initTools,
  LengthTool,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  synchronizers,
  SynchronizerManager,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

/** What the left mouse button does; the other buttons and the wheel never change (DOMAIN.md). */
export type LeftTool = 'window' | 'scroll' | 'zoom' | 'pan' | 'length' | 'angle' | 'ellipse' | 'rectangle';

export const LEFT_TOOLS: ReadonlyArray<{ tool: LeftTool; name: string; key: string; label: string }> = [
  { tool: 'window', name: WindowLevelTool.toolName, key: 'w', label: 'Window/level' },
  { tool: 'scroll', name: StackScrollTool.toolName, key: 's', label: 'Scroll' },
  { tool: 'zoom', name: ZoomTool.toolName, key: 'z', label: 'Zoom' },
  { tool: 'pan', name: PanTool.toolName, key: 'p', label: 'Pan' },
  { tool: 'length', name: LengthTool.toolName, key: 'l', label: 'Length' },
  { tool: 'angle', name: AngleTool.toolName, key: 'a', label: 'Angle' },
  { tool: 'ellipse', name: EllipticalROITool.toolName, key: 'e', label: 'Ellipse ROI' },
  { tool: 'rectangle', name: RectangleROITool.toolName, key: 'b', label: 'Box ROI' },
];

/** What the left button does in the reformats (MPR) layout: measurements stay in the stack view. */
export type MprLeftTool = 'crosshairs' | 'window' | 'zoom' | 'pan';

export const MPR_LEFT_TOOLS: ReadonlyArray<{ tool: MprLeftTool; name: string; key: string; label: string }> = [
  { tool: 'crosshairs', name: CrosshairsTool.toolName, key: 'x', label: 'Crosshairs' },
  ...LEFT_TOOLS.filter((t): t is (typeof LEFT_TOOLS)[number] & { tool: MprLeftTool } => t.tool === 'window' || t.tool === 'zoom' || t.tool === 'pan'),
];

type LeftToolChoice = { readonly tool: string; readonly name: string };

/** Tools that draw on the image: passive, not disabled, when another tool has the left button. */
const DRAWN = new Set<string>([CrosshairsTool.toolName, LengthTool.toolName, AngleTool.toolName, EllipticalROITool.toolName, RectangleROITool.toolName]);
let toolsReady = false;

/** Registers the tools with cornerstone once per page. */
export function installTools(): void {
  if (toolsReady) return;
  toolsReady = true;
  initTools();
  for (const tool of [CrosshairsTool, WindowLevelTool, StackScrollTool, ZoomTool, PanTool, LengthTool, AngleTool, EllipticalROITool, RectangleROITool]) addTool(tool);
}

const { MouseBindings } = ToolEnums;

/** A tool group for one viewport: left = the chosen tool, right = zoom, middle = pan, wheel = scroll. */
export function createStackTools(groupId: string, viewportId: string, renderingEngineId: string): ToolTypes.IToolGroup {
  ToolGroupManager.destroyToolGroup(groupId);
  const group = ToolGroupManager.createToolGroup(groupId);
  if (!group) throw new Error('The viewer tools could not be set up');
  for (const { name } of LEFT_TOOLS) group.addTool(name);
  group.addViewport(viewportId, renderingEngineId);
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  setLeftTool(group, 'window');
  return group;
}

/**
 * The tool group for the three reformat viewports (axial, sagittal, coronal in that order): crosshairs linking them on the left button, the
 * wheel scrolls the viewport under the pointer, right = zoom, middle = pan; one window for all three
 * (a VOI synchronizer, named `syncId`).
 */
export function createMprTools(groupId: string, syncId: string, viewportIds: readonly string[], renderingEngineId: string): ToolTypes.IToolGroup {
  ToolGroupManager.destroyToolGroup(groupId);
  SynchronizerManager.destroySynchronizer(syncId);
  const group = ToolGroupManager.createToolGroup(groupId);
  if (!group) throw new Error('The reformat tools could not be set up');
  // Each view's line drawn in the others in its own colour: axial red, sagittal yellow, coronal blue.
  const colours = ['#e05252', '#e0c040', '#4a90e2'];
  group.addTool(CrosshairsTool.toolName, {
    getReferenceLineColor: (viewportId: string) => colours[viewportIds.indexOf(viewportId)] ?? '#e8e8e8',
    getReferenceLineControllable: () => true,
    getReferenceLineDraggableRotatable: () => true,
    // Slab thickness handles change what a reformat means (MIP); not offered here.
    getReferenceLineSlabThicknessControlsOn: () => false,
  });
  for (const name of [WindowLevelTool.toolName, StackScrollTool.toolName, ZoomTool.toolName, PanTool.toolName]) group.addTool(name);
  const voi = synchronizers.createVOISynchronizer(syncId, { syncInvertState: true, syncColormap: false });
  for (const viewportId of viewportIds) {
    group.addViewport(viewportId, renderingEngineId);
    voi.add({ renderingEngineId, viewportId });
  }
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  setLeftTool(group, 'crosshairs', MPR_LEFT_TOOLS);
  return group;
}

export function destroyMprTools(groupId: string, syncId: string): void {
  ToolGroupManager.destroyToolGroup(groupId);
  SynchronizerManager.destroySynchronizer(syncId);
}

/** Moves the primary button to `tool` (one of `tools`), keeping the other buttons' bindings. */
export function setLeftTool(group: ToolTypes.IToolGroup, tool: string, tools: ReadonlyArray<LeftToolChoice> = LEFT_TOOLS): void {
  const chosen = tools.find((t) => t.tool === tool);
  if (!chosen) return;
  for (const { name } of tools) {
    if (name === chosen.name) continue;
    const options = group.getToolOptions(name);
    const others = (options?.bindings ?? []).filter((b) => b.mouseButton !== MouseBindings.Primary);
    if (others.length > 0) group.setToolActive(name, { bindings: others });
    // Measurements and crosshairs stay passive, so existing ones stay visible and can still be moved.
    else if (DRAWN.has(name)) group.setToolPassive(name);
    else group.setToolDisabled(name);
  }
  const current = group.getToolOptions(chosen.name)?.bindings ?? [];
  group.setToolActive(chosen.name, { bindings: [...current.filter((b) => b.mouseButton !== MouseBindings.Primary), { mouseButton: MouseBindings.Primary }] });
}

export interface Measurement {
  readonly uid: string;
  readonly kind: 'length' | 'angle' | 'ellipse' | 'rectangle';
  /** Display text, e.g. "Length 42.1 mm" or "Ellipse mean 35.2 HU, sd 12.0, min -3, max 80, area 120.5 mm²". */
  readonly text: string;
  /** The raw figures, for readers that need numbers. */
  readonly values: Readonly<Record<string, number>>;
}

const KIND_OF: Record<string, Measurement['kind']> = {
  [LengthTool.toolName]: 'length',
  [AngleTool.toolName]: 'angle',
  [EllipticalROITool.toolName]: 'ellipse',
  [RectangleROITool.toolName]: 'rectangle',
};

function fixed(value: unknown, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function numbers(stats: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** The measurements drawn on this viewer's images, with their statistics (HU: images are in HU). */
export function measurementsFor(imageIdPrefix: string): Measurement[] {
  const result: Measurement[] = [];
  for (const a of annotation.state.getAllAnnotations()) {
    const kind = KIND_OF[a.metadata?.toolName ?? ''];
    const stats = Object.entries((a.data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats ?? {}).find(([target]) => target.includes(imageIdPrefix))?.[1];
    if (!kind || !stats || !a.annotationUID) continue;
    const values = numbers(stats);
    const text =
      kind === 'length'
        ? `Length ${fixed(stats.length, 1)} mm`
        : kind === 'angle'
          ? `Angle ${fixed(stats.angle, 1)}°`
          : `${kind === 'ellipse' ? 'Ellipse' : 'Box'} mean ${fixed(stats.mean, 1)} HU, sd ${fixed(stats.stdDev, 1)}, min ${fixed(stats.min, 0)}, max ${fixed(stats.max, 0)}, area ${fixed(stats.area, 1)} mm²`;
    result.push({ uid: a.annotationUID, kind, text, values });
  }
  return result;
}

export function removeMeasurement(uid: string): void {
  annotation.state.removeAnnotation(uid);
}
