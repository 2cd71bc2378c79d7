// The mask editor's keyboard shortcuts, as a pure mapping from a key event's fields to an editor command.

export type ShortcutCommand =
  | 'undo'
  | 'redo'
  | 'brush'
  | 'eraser'
  | 'pan'
  | 'smallerBrush'
  | 'largerBrush'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomToFit';

/** The fields of a KeyboardEvent the mapping reads. */
export interface ShortcutKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const PLAIN_KEYS: Record<string, ShortcutCommand> = {
  b: 'brush',
  e: 'eraser',
  h: 'pan',
  '[': 'smallerBrush',
  ']': 'largerBrush',
  '+': 'zoomIn',
  '=': 'zoomIn',
  '-': 'zoomOut',
  '0': 'zoomToFit',
};

/**
 * Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y with Ctrl or Cmd (either on every platform, so a Mac keyboard on Linux works
 * too); single keys only without modifiers, so browser shortcuts such as Ctrl+E or Ctrl+0 stay the browser's.
 */
export function shortcutCommand(event: ShortcutKey): ShortcutCommand | null {
  if (event.altKey) return null;
  const key = event.key.toLowerCase();
  if (event.ctrlKey || event.metaKey) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !event.shiftKey) return 'redo';
    return null;
  }
  return Object.hasOwn(PLAIN_KEYS, key) ? PLAIN_KEYS[key] : null;
}
