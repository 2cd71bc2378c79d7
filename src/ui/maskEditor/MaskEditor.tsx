// The inpainting mask editor component: hosts the canvases and the toolbar for a MaskEditorController, which owns
// the pixels, the undo stack and the tools outside React. React state is only the toolbar's snapshot.
//
// ## API
// ```tsx
// const editor = useMemo(() => new MaskEditorController(), []); // or one at module scope, to outlive the tab
// useEffect(() => editor.setImage(inputImage, maskFromHistory), [editor, inputImage, maskFromHistory]);
// const { isEmpty } = useSyncExternalStore(editor.subscribe, editor.getState); // e.g. to enable Generate
// <MaskEditor editor={editor} maskBlur={maskBlur} onMaskBlurChange={setMaskBlur} />
// // on Generate: input.mask = editor.toMaskImage(); // RgbaImage at the input's size, opaque, white = repaint
// ```
// Props: `editor`, `maskBlur` (0–64 px; the caller's, as the engine applies it as `maskBlur`),
// `onMaskBlurChange(pixels)`, optional `className` (size the editor with it: the viewport fills the rest).
//
// MaskEditorController (no DOM; unit-tested): `setImage(image, mask?)` opens an RgbaImage with an empty mask or a
// starting mask, history reset (the same image and mask objects again do nothing, so remounts keep the paint);
// `loadMask(mask)` replaces the mask as one undoable step (white = repaint, any size: read exactly as the engine
// reads a mask); `toMaskImage()`, `isEmpty()`, `undo()`, `redo()`, `clear()`, `invert()`,
// `setTool('brush' | 'eraser' | 'pan')`, `setBrushSize(px)`, `setHardness(0..1)`, `setOverlayOpacity(0..1)`,
// `setOverlayVisible(bool)`, `zoomToFit()`, `zoomIn()`, `zoomOut()`; `subscribe`/`getState` (MaskEditorState:
// tool, brushSize, hardness, overlayOpacity, overlayVisible, canUndo, canRedo, isEmpty, zoom, imageSize,
// maskRevision); `paintLatency.last` / `.median` in ms (PointerEvent.timeStamp -> overlay updated).
//
// ## DOM (for end-to-end tests)
// Buttons "Brush", "Eraser", "Pan" (aria-pressed), "Undo", "Redo" (disabled when there is nothing to undo or
// redo), "Clear mask", "Invert mask", "Zoom out", "Zoom to fit", "Zoom in"; sliders "Brush size" (px),
// "Hardness" (%), "Mask blur" (px), "Overlay opacity" (%); checkbox "Show mask". The overlay canvas is
// `role="img"` named "Mask editor", focusable, the image's pixel size and laid exactly over the displayed image
// (its bounding box maps linearly to image pixels); it carries `data-paint-latency-ms` (last) and
// `data-paint-latency-median-ms`. Keys while focus is in the editor: B brush, E eraser, H pan, [ and ] size,
// Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y redo, + - 0 zoom, Space+drag pan (canvas focused).
import { useEffect, useId, useRef, useSyncExternalStore } from 'react';
import { MaskCanvasView } from './MaskCanvasView';
import type { MaskEditorController } from './MaskEditorController';
import { MaskToolbar } from './MaskToolbar';
import './maskEditor.css';

export interface MaskEditorProps {
  editor: MaskEditorController;
  /** Feather radius in pixels (0–64), owned by the caller and applied by the engine as `maskBlur`. */
  maskBlur: number;
  onMaskBlurChange: (pixels: number) => void;
  className?: string;
}

export function MaskEditor({ editor, maskBlur, onMaskBlurChange, className }: MaskEditorProps) {
  const state = useSyncExternalStore(editor.subscribe, editor.getState);
  const hintId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const imageCanvasRef = useRef<HTMLCanvasElement>(null);
  const overlayCanvasRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const view = new MaskCanvasView(
      {
        root: rootRef.current!,
        viewport: viewportRef.current!,
        stage: stageRef.current!,
        imageCanvas: imageCanvasRef.current!,
        overlayCanvas: overlayCanvasRef.current!,
        cursor: cursorRef.current!,
      },
      editor,
    );
    return () => view.destroy();
  }, [editor]);

  return (
    <div ref={rootRef} className={className ? `mask-editor ${className}` : 'mask-editor'}>
      <MaskToolbar editor={editor} state={state} maskBlur={maskBlur} onMaskBlurChange={onMaskBlurChange} />
      <div ref={viewportRef} className="mask-editor-viewport">
        {state.imageSize === null && <p className="mask-editor-empty">No image to mask yet.</p>}
        <div ref={stageRef} className="mask-editor-stage" hidden={state.imageSize === null}>
          <canvas ref={imageCanvasRef} className="mask-editor-image" aria-hidden="true" />
          <canvas
            ref={overlayCanvasRef}
            className="mask-editor-canvas"
            role="img"
            aria-label="Mask editor"
            aria-describedby={hintId}
            tabIndex={0}
          />
        </div>
        <div ref={cursorRef} className="mask-editor-cursor" aria-hidden="true" />
      </div>
      <p id={hintId} className="mask-editor-hint">
        Paint the area to repaint. B brush, E eraser, [ and ] brush size, Space+drag or middle button to pan, wheel to
        zoom, Ctrl+Z undo, Ctrl+Shift+Z redo.
      </p>
    </div>
  );
}
