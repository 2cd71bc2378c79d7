// Keyboard shortcuts: undo/redo with Ctrl or Cmd, single keys only without modifiers.
import { describe, expect, it } from 'vitest';
import { shortcutCommand, type ShortcutKey } from './shortcuts';

function press(key: string, modifiers: Partial<ShortcutKey> = {}): ReturnType<typeof shortcutCommand> {
  return shortcutCommand({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers });
}

describe('shortcutCommand', () => {
  it('maps undo and redo with Ctrl on Windows/Linux and Cmd on macOS', () => {
    expect(press('z', { ctrlKey: true })).toBe('undo');
    expect(press('z', { metaKey: true })).toBe('undo');
    expect(press('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(press('Z', { metaKey: true, shiftKey: true })).toBe('redo');
    expect(press('y', { ctrlKey: true })).toBe('redo');
  });

  it('maps the tool, size and zoom keys', () => {
    expect(press('b')).toBe('brush');
    expect(press('E')).toBe('eraser');
    expect(press('h')).toBe('pan');
    expect(press('[')).toBe('smallerBrush');
    expect(press(']')).toBe('largerBrush');
    expect(press('+')).toBe('zoomIn');
    expect(press('-')).toBe('zoomOut');
    expect(press('0')).toBe('zoomToFit');
  });

  it('leaves modified single keys and unknown keys to the browser', () => {
    expect(press('e', { ctrlKey: true })).toBeNull();
    expect(press('0', { ctrlKey: true })).toBeNull();
    expect(press('z', { ctrlKey: true, altKey: true })).toBeNull();
    expect(press('b', { altKey: true })).toBeNull();
    expect(press('x')).toBeNull();
    expect(press('Enter')).toBeNull();
  });
});
