import { api } from '../api';
import { readViews, requestView } from '../features/worklist/savedViews';
import { useAppStore, VIEWS } from './store';

export interface Command {
  id: string;
  title: string;
  /** Shown in the palette; the keydown handler in App matches the same keys. */
  keys?: string;
  run(): void | Promise<void>;
}

const modKey = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export function appCommands(): Command[] {
  const { go, patch } = useAppStore.getState();
  const setTheme = (theme: 'system' | 'light' | 'dark') => async () => {
    try {
      await api.call('settings.set', { key: 'ui.theme', value: theme });
    } catch (error) {
      patch({ notice: (error as Error).message });
    }
  };
  return [
    ...VIEWS.map((v) => ({ id: `go.${v.id}`, title: `Go to ${v.label}`, keys: `${modKey}+${v.shortcut}`, run: () => go(v.id) })),
    { id: 'theme.system', title: 'Theme: follow the system', run: setTheme('system') },
    { id: 'theme.light', title: 'Theme: light', run: setTheme('light') },
    { id: 'theme.dark', title: 'Theme: dark', run: setTheme('dark') },
    {
      id: 'updates.check',
      title: 'Check for updates',
      run: async () => {
        const status = await api.call('updates.check');
        if (status.state === 'unsupported' || status.state === 'disabled') patch({ notice: status.message });
      },
    },
    { id: 'app.reload', title: 'Reload the window', keys: `${modKey}+R`, run: () => location.reload() },
    {
      id: 'sync.now',
      title: 'Sync now',
      run: async () => {
        try {
          await api.call('sync.now');
        } catch (error) {
          patch({ notice: (error as Error).message });
        }
      },
    },
    // The coder's saved worklist views, read when the palette opens.
    ...readViews(localStorage).map((v) => ({
      id: `view.${v.name}`,
      title: `Worklist view: ${v.name}`,
      run: () => {
        go('worklist');
        requestView(v.name);
      },
    })),
  ];
}

/** Case-insensitive subsequence match, best (earliest, tightest) first. */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...commands];
  const scored: { command: Command; score: number }[] = [];
  for (const command of commands) {
    const title = command.title.toLowerCase();
    let at = -1;
    let score = 0;
    for (const ch of q) {
      const next = title.indexOf(ch, at + 1);
      if (next === -1) {
        score = -1;
        break;
      }
      score += next - at;
      at = next;
    }
    if (score >= 0) scored.push({ command, score });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.command);
}
