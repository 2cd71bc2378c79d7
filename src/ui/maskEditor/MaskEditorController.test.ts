// The controller without a DOM: pointer samples in viewport pixels reach the right tool at the right image
// pixels, the toolbar state follows every change (and stays the same object when nothing changed, as
// useSyncExternalStore requires), and gestures end cleanly around undo, cancel and new images.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { MaskEditorController, type EditorPointer } from './MaskEditorController';

function image(width: number, height: number, grey = 0): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4).fill(grey) };
}

function pointer(x: number, y: number, extra: Partial<EditorPointer> = {}): EditorPointer {
  return { id: 1, x, y, button: 0, pointerType: 'mouse', pressure: 0.5, ...extra };
}

/** A 100x100 image in a 216x216 viewport: zoom to fit gives exactly 2 screen px per image px, offset 8. */
function openEditor(): MaskEditorController {
  const editor = new MaskEditorController({ settings: { brushSize: 10 } });
  editor.setViewportSize(216, 216);
  editor.setImage(image(100, 100));
  return editor;
}

function coverageAt(editor: MaskEditorController, x: number, y: number): number {
  const doc = editor.document!;
  return doc.coverage[y * doc.width + x];
}

describe('MaskEditorController', () => {
  it('paints at the image pixels under the pointer, through the fitted view', () => {
    const editor = openEditor();
    expect(editor.getState().zoom).toBe(2);
    expect(editor.pointerDown(pointer(8 + 2 * 30, 8 + 2 * 70))).toBe(true); // image (30, 70)
    editor.pointerMove([pointer(8 + 2 * 40, 8 + 2 * 70), pointer(8 + 2 * 60, 8 + 2 * 70)]);
    editor.pointerUp(1);
    expect(coverageAt(editor, 30, 70)).toBe(255);
    expect(coverageAt(editor, 59, 70)).toBe(255);
    expect(coverageAt(editor, 30, 50)).toBe(0);
    const state = editor.getState();
    expect(state).toMatchObject({ canUndo: true, canRedo: false, isEmpty: false, maskRevision: 2 });
    expect(editor.toMaskImage().data[(70 * 100 + 45) * 4]).toBe(255);
  });

  it('publishes toolbar state through subscribe/getState, and only when it changes', () => {
    const editor = openEditor();
    let notified = 0;
    const unsubscribe = editor.subscribe(() => notified++);
    const before = editor.getState();
    editor.setBrushSize(10);
    expect(editor.getState()).toBe(before);
    expect(notified).toBe(0);
    editor.setBrushSize(10_000);
    expect(editor.getState().brushSize).toBe(500);
    editor.runCommand('eraser');
    expect(editor.getState().tool).toBe('eraser');
    expect(notified).toBe(2);
    unsubscribe();
    editor.setHardness(0.3);
    expect(notified).toBe(2);
    expect(editor.getState().hardness).toBe(0.3);
  });

  it('undo and redo update canUndo/canRedo and isEmpty', () => {
    const editor = openEditor();
    editor.pointerDown(pointer(108, 108));
    editor.pointerUp(1);
    editor.undo();
    expect(editor.getState()).toMatchObject({ canUndo: false, canRedo: true, isEmpty: true });
    editor.runCommand('redo');
    expect(editor.getState()).toMatchObject({ canUndo: true, canRedo: false, isEmpty: false });
    editor.invert();
    editor.clear();
    expect(editor.isEmpty()).toBe(true);
  });

  it('an undo in mid-stroke ends the stroke and undoes it', () => {
    const editor = openEditor();
    editor.pointerDown(pointer(108, 108));
    editor.pointerMove([pointer(150, 108)]);
    editor.runCommand('undo');
    expect(editor.activeGesture).toBeNull();
    expect(editor.isEmpty()).toBe(true);
    expect(editor.getState().canRedo).toBe(true);
    editor.pointerMove([pointer(200, 200)]);
    editor.pointerUp(1);
    expect(editor.isEmpty()).toBe(true);
  });

  it('a cancelled pointer throws its stroke away', () => {
    const editor = openEditor();
    editor.pointerDown(pointer(108, 108, { pointerType: 'touch' }));
    editor.pointerMove([pointer(150, 150)]);
    expect(editor.isEmpty()).toBe(false);
    editor.pointerCancel(1);
    expect(editor.isEmpty()).toBe(true);
    expect(editor.getState().canUndo).toBe(false);
  });

  it('erases with the eraser tool and with a pen eraser, whatever the tool', () => {
    const editor = openEditor();
    editor.invert(); // all 255
    editor.setTool('eraser');
    editor.pointerDown(pointer(8 + 2 * 20, 8 + 2 * 20));
    editor.pointerUp(1);
    expect(coverageAt(editor, 20, 20)).toBe(0);
    editor.setTool('brush');
    editor.pointerDown(pointer(8 + 2 * 80, 8 + 2 * 80, { button: 5, pointerType: 'pen', pressure: 1 }));
    editor.pointerUp(1);
    expect(coverageAt(editor, 80, 80)).toBe(0);
  });

  it('pans instead of painting with the middle button, with space held, and with the pan tool', () => {
    const editor = openEditor();
    const drag = (button: number, dx: number) => {
      expect(editor.pointerDown(pointer(100, 100, { button }))).toBe(true);
      expect(editor.activeGesture).toBe('pan');
      editor.pointerMove([pointer(100 + dx, 100)]);
      editor.pointerUp(1);
    };
    drag(1, 10);
    expect(editor.view.offsetX).toBe(18);
    editor.setSpacePan(true);
    expect(editor.cursor).toBe('grab');
    drag(0, 5);
    editor.setSpacePan(false);
    editor.setTool('pan');
    drag(0, 5);
    expect(editor.view.offsetX).toBe(28);
    expect(editor.isEmpty()).toBe(true);
    expect(editor.pointerDown(pointer(100, 100, { button: 2 }))).toBe(false);
  });

  it('follows one pointer at a time', () => {
    const editor = openEditor();
    editor.pointerDown(pointer(108, 108));
    expect(editor.pointerDown(pointer(50, 50, { id: 2 }))).toBe(false);
    editor.pointerMove([pointer(20, 20, { id: 2 })]);
    editor.pointerUp(2);
    expect(editor.activePointerId).toBe(1);
    expect(coverageAt(editor, 6, 6)).toBe(0);
  });

  it('steps the brush size with [ and ] within its limits', () => {
    const editor = new MaskEditorController({ settings: { brushSize: 40 } });
    editor.runCommand('largerBrush');
    expect(editor.getState().brushSize).toBe(46);
    editor.runCommand('smallerBrush');
    expect(editor.getState().brushSize).toBe(40);
    editor.setBrushSize(1);
    editor.runCommand('smallerBrush');
    expect(editor.getState().brushSize).toBe(1);
    editor.runCommand('largerBrush');
    expect(editor.getState().brushSize).toBe(2);
  });

  it('keeps the mask when the same image is set again, and starts afresh (or from a given mask) otherwise', () => {
    const editor = openEditor();
    const opened = editor.image!;
    editor.pointerDown(pointer(108, 108));
    editor.pointerUp(1);
    editor.setImage(opened);
    expect(editor.isEmpty()).toBe(false);
    expect(editor.getState().canUndo).toBe(true);
    editor.setImage(image(64, 32));
    expect(editor.getState()).toMatchObject({ isEmpty: true, canUndo: false, imageSize: { width: 64, height: 32 } });
    const picture = image(64, 32);
    const mask = image(64, 32, 255);
    editor.setImage(picture, mask);
    expect(editor.getState()).toMatchObject({ isEmpty: false, canUndo: false });
    editor.loadMask(image(64, 32, 0));
    expect(editor.getState()).toMatchObject({ isEmpty: true, canUndo: true });
    editor.setImage(picture, mask); // the same pair again: the edit stays
    expect(editor.getState()).toMatchObject({ isEmpty: true, canUndo: true });
  });

  it('zooms with the buttons about the viewport centre, and zoom to fit restores the fit', () => {
    const editor = openEditor();
    editor.zoomIn();
    expect(editor.getState().zoom).toBe(2.5);
    expect(editor.view.toImage(108, 108)).toEqual({ x: 50, y: 50 });
    editor.setViewportSize(416, 416); // no longer fitted: a resize keeps the zoom
    expect(editor.getState().zoom).toBe(2.5);
    editor.zoomToFit();
    expect(editor.getState().zoom).toBe(4);
  });

  it('ignores pointers and mask commands before an image is open', () => {
    const editor = new MaskEditorController();
    expect(editor.pointerDown(pointer(10, 10))).toBe(false);
    editor.clear();
    editor.undo();
    expect(editor.isEmpty()).toBe(true);
    expect(() => editor.toMaskImage()).toThrow(/no image is open/);
  });

  it('asks the attached renderer to draw after changes', () => {
    const editor = openEditor();
    let renders = 0;
    const detach = editor.attachRenderer({ render: () => renders++ });
    expect(renders).toBe(1);
    editor.pointerDown(pointer(108, 108));
    editor.pointerMove([pointer(120, 108)]);
    expect(renders).toBeGreaterThanOrEqual(3);
    detach();
    const count = renders;
    editor.pointerUp(1);
    expect(renders).toBe(count);
  });
});
