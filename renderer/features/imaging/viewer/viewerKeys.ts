import { LEFT_TOOLS } from './viewerTools';

/** The viewer's keys, shown in its help overlay (`?`). Number keys pick the series' window presets in order. */
export const KEY_HELP: ReadonlyArray<readonly [string, string]> = [
  ['↑ ↓ ← →, wheel', 'previous / next slice'],
  ['PgUp / PgDn', '10 slices back / forward'],
  ['Home / End', 'first / last slice'],
  ['Space or C', 'play / pause cine'],
  ['1 … 9', 'window presets (listed in the toolbar)'],
  ['+ / −', 'zoom in / out'],
  ['R', 'reset zoom, pan and window'],
  ['I', 'invert greys'],
  ...LEFT_TOOLS.map(({ key, label }) => [key.toUpperCase(), `left drag: ${label.toLowerCase()}`] as const),
  ['Delete', 'remove the last measurement'],
  ['Right drag / middle drag', 'zoom / pan'],
  ['M', 'reformats: axial, sagittal and coronal with linked crosshairs (again: back to the stack)'],
  ['X', 'left drag in the reformats: move the crosshairs (W, Z, P as above; keys scroll the view under the pointer)'],
  ['?', 'this help'],
];

/** What the keys drive: the stack view's session, or the reformats' (which has no cine). */
export interface ViewerKeyTarget {
  step(delta: number): void;
  goTo(index: number): void;
  zoomBy(factor: number): void;
  reset(): void;
  toggleInvert(): void;
  toggleCine?(): void;
}

export interface KeyActions<Tool extends string> {
  readonly session: ViewerKeyTarget & { setTool(tool: Tool): void };
  /** The left-button tools on offer, with their keys. */
  readonly tools: ReadonlyArray<{ readonly tool: Tool; readonly key: string }>;
  readonly presetCount: number;
  readonly applyPreset: (index: number) => void;
  readonly toggleHelp: () => void;
  /** Absent where there are no measurements (the reformats). */
  readonly removeLastMeasurement?: () => void;
  readonly toggleLayout: () => void;
}

/** Handles one key press; returns whether the key was the viewer's (so the caller prevents its default). */
export function handleViewerKey<Tool extends string>(event: KeyboardEvent, actions: KeyActions<Tool>): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const { session } = actions;
  const key = event.key;
  switch (key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      session.step(-1);
      return true;
    case 'ArrowDown':
    case 'ArrowRight':
      session.step(1);
      return true;
    case 'PageUp':
      session.step(-10);
      return true;
    case 'PageDown':
      session.step(10);
      return true;
    case 'Home':
      session.goTo(0);
      return true;
    case 'End':
      session.goTo(Number.MAX_SAFE_INTEGER);
      return true;
    case ' ':
    case 'c':
    case 'C':
      if (!session.toggleCine) return false;
      session.toggleCine();
      return true;
    case 'm':
    case 'M':
      actions.toggleLayout();
      return true;
    case '+':
    case '=':
      session.zoomBy(1.25);
      return true;
    case '-':
      session.zoomBy(0.8);
      return true;
    case 'r':
    case 'R':
      session.reset();
      return true;
    case 'i':
    case 'I':
      session.toggleInvert();
      return true;
    case '?':
      actions.toggleHelp();
      return true;
    case 'Delete':
    case 'Backspace':
      if (!actions.removeLastMeasurement) return false;
      actions.removeLastMeasurement();
      return true;
    default:
      break;
  }
  if (/^[1-9]$/.test(key)) {
    const index = Number(key) - 1;
    if (index >= actions.presetCount) return false;
    actions.applyPreset(index);
    return true;
  }
  const tool = actions.tools.find((t) => t.key === key.toLowerCase());
  if (tool) {
    session.setTool(tool.tool);
    return true;
  }
  return false;
}
