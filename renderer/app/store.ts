import { create } from 'zustand';
import type { AppInfo, SessionStatus, SettingsSnapshot, StatusSummary } from '../../preload/contract';

export type View = 'worklist' | 'imaging' | 'sync' | 'settings';
export const VIEWS: readonly { id: View; label: string; shortcut: string }[] = [
  { id: 'worklist', label: 'Worklist', shortcut: '1' },
  { id: 'imaging', label: 'Imaging', shortcut: '2' },
  { id: 'sync', label: 'Sync', shortcut: '3' },
  { id: 'settings', label: 'Settings', shortcut: '4' },
];

interface AppState {
  view: View;
  paletteOpen: boolean;
  online: boolean;
  /** False while the host's socket is down (host mode only). */
  connected: boolean;
  info: AppInfo | null;
  settings: SettingsSnapshot | null;
  session: SessionStatus | null;
  summary: StatusSummary | null;
  /** The last error worth telling the user about, shown until dismissed. */
  notice: string | null;
  /** The encounter open in the coding workspace (inside the Worklist view), if any. */
  encounterId: string | null;
  go(view: View): void;
  openEncounter(id: string): void;
  closeEncounter(): void;
  setPaletteOpen(open: boolean): void;
  patch(partial: Partial<Omit<AppState, 'go' | 'setPaletteOpen' | 'patch' | 'openEncounter' | 'closeEncounter'>>): void;
}

export const useAppStore = create<AppState>((set) => ({
  view: 'worklist',
  paletteOpen: false,
  online: navigator.onLine,
  connected: true,
  info: null,
  settings: null,
  session: null,
  summary: null,
  notice: null,
  encounterId: null,
  go: (view) => set({ view, paletteOpen: false }),
  openEncounter: (encounterId) => set({ view: 'worklist', encounterId, paletteOpen: false }),
  closeEncounter: () => set({ encounterId: null }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  patch: (partial) => set(partial),
}));
