// The mask editor without the DOM: the open image and its MaskDocument, the tools, the view transform, the
// toolbar settings and the small store (subscribe/getState) the toolbar reads with useSyncExternalStore.
// MaskCanvasView feeds it pointer samples in viewport pixels and draws what changed when asked to render.
import { checkImage, type RgbaImage } from '../../engine';
import { pressureScale, BrushTool, type BrushSample } from './BrushTool';
import { LatencyStats } from './LatencyStats';
import { MaskDocument } from './MaskDocument';
import { PanTool } from './PanTool';
import {
  BRUSH_SIZE_LIMITS,
  MaskEditorStore,
  type MaskEditorSettings,
  type MaskEditorState,
  type MaskTool,
} from './MaskEditorStore';
import type { ShortcutCommand } from './shortcuts';
import type { UndoLimits } from './UndoHistory';
import { ViewTransform } from './ViewTransform';

/** A pointer sample in viewport CSS pixels, with PointerEvent's `button` (0 main, 1 middle, 5 pen eraser). */
export interface EditorPointer {
  id: number;
  x: number;
  y: number;
  button: number;
  pointerType: string;
  pressure: number;
}

/** The DOM host: draws whatever changed (image, overlay pixels, view, settings) when called. */
export interface MaskEditorRenderer {
  render(): void;
}

const ZOOM_STEP = 1.25;
/** `[` and `]` change the size by this factor (at least 1 px), as painting programs step their brush sizes. */
const BRUSH_SIZE_STEP = 1.15;
const PEN_ERASER_BUTTON = 5;

export interface MaskEditorOptions {
  /** Starting toolbar settings. */
  settings?: Partial<MaskEditorSettings>;
  undoLimits?: Partial<UndoLimits>;
}

export class MaskEditorController {
  readonly view = new ViewTransform();
  /** Pointer event -> overlay updated, in ms, recorded by the DOM host for every painting event. */
  readonly paintLatency = new LatencyStats();
  private readonly store = new MaskEditorStore();
  /** The toolbar state, for useSyncExternalStore (both are bound, so pass them as they are). */
  readonly subscribe = this.store.subscribe;
  readonly getState = this.store.getState;
  private readonly undoLimits: Partial<UndoLimits> | undefined;
  private openImage: RgbaImage | null = null;
  private openedMask: RgbaImage | undefined;
  private doc: MaskDocument | null = null;
  private readonly brush = new BrushTool();
  private readonly pan = new PanTool(this.view);
  private gesture: { pointerId: number; kind: 'paint' | 'pan' } | null = null;
  private spaceHeld = false;
  private viewportWidth = 0;
  private viewportHeight = 0;
  /** The view follows the viewport's size until the user zooms or pans. */
  private fitted = true;
  private renderer: MaskEditorRenderer | null = null;

  constructor(options: MaskEditorOptions = {}) {
    this.undoLimits = options.undoLimits;
    const { tool, brushSize, hardness, overlayOpacity, overlayVisible } = options.settings ?? {};
    if (tool) this.setTool(tool);
    if (brushSize !== undefined) this.setBrushSize(brushSize);
    if (hardness !== undefined) this.setHardness(hardness);
    if (overlayOpacity !== undefined) this.setOverlayOpacity(overlayOpacity);
    if (overlayVisible !== undefined) this.setOverlayVisible(overlayVisible);
  }

  // ---- image and mask -----------------------------------------------------------------------------------------
  get image(): RgbaImage | null {
    return this.openImage;
  }

  get document(): MaskDocument | null {
    return this.doc;
  }

  /**
   * Opens `image` with an empty mask, or with `mask` (white = repaint); the undo history starts afresh. Calling
   * it again with the same image and mask objects does nothing, so an effect that re-runs on remount or in
   * StrictMode keeps what the user painted (keep the decoded image object stable across renders).
   */
  setImage(image: RgbaImage, mask?: RgbaImage): void {
    if (image === this.openImage && mask === this.openedMask) return;
    checkImage(image, 'The image');
    this.abortGesture();
    this.doc = new MaskDocument(image.width, image.height, { mask, undoLimits: this.undoLimits });
    this.openImage = image;
    this.openedMask = mask;
    this.fitted = true;
    this.fitView();
    this.update({ imageSize: { width: image.width, height: image.height }, zoom: this.view.zoom });
    this.maskChanged();
  }

  /** Replaces the mask with `mask` as one undo step (MaskDocument.loadMask says how it is read). */
  loadMask(mask: RgbaImage): void {
    this.editMask((doc) => doc.loadMask(mask));
  }

  clear(): void {
    this.editMask((doc) => doc.clear());
  }

  invert(): void {
    this.editMask((doc) => doc.invert());
  }

  undo(): void {
    this.editMask((doc) => doc.undo());
  }

  redo(): void {
    this.editMask((doc) => doc.redo());
  }

  /** The mask for the engine (MaskDocument.toMaskImage); throws when no image is open. */
  toMaskImage(): RgbaImage {
    if (!this.doc) throw new Error('MaskEditorController.toMaskImage: no image is open; call setImage first.');
    return this.doc.toMaskImage();
  }

  isEmpty(): boolean {
    return this.doc ? this.doc.isEmpty() : true;
  }

  // ---- settings -----------------------------------------------------------------------------------------------
  setTool(tool: MaskTool): void {
    this.update({ tool });
  }

  setBrushSize(size: number): void {
    this.update({ brushSize: Math.round(clamp(size, BRUSH_SIZE_LIMITS.min, BRUSH_SIZE_LIMITS.max)) });
  }

  setHardness(hardness: number): void {
    this.update({ hardness: clamp(hardness, 0, 1) });
  }

  setOverlayOpacity(opacity: number): void {
    this.update({ overlayOpacity: clamp(opacity, 0, 1) });
  }

  setOverlayVisible(visible: boolean): void {
    this.update({ overlayVisible: visible });
  }

  // ---- view ---------------------------------------------------------------------------------------------------
  setViewportSize(width: number, height: number): void {
    this.viewportWidth = width;
    this.viewportHeight = height;
    if (this.fitted) this.fitView();
    this.update({ zoom: this.view.zoom });
  }

  zoomToFit(): void {
    this.fitted = true;
    this.fitView();
    this.update({ zoom: this.view.zoom });
  }

  zoomIn(): void {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut(): void {
    this.zoomBy(1 / ZOOM_STEP);
  }

  /** Zooms by `factor` about viewport point (x, y), by default the viewport's centre. */
  zoomBy(factor: number, x = this.viewportWidth / 2, y = this.viewportHeight / 2): void {
    this.fitted = false;
    this.view.zoomAbout(factor, x, y);
    this.update({ zoom: this.view.zoom });
  }

  /** Space held down: drags pan whatever the tool. */
  setSpacePan(held: boolean): void {
    if (held === this.spaceHeld) return;
    this.spaceHeld = held;
    this.renderer?.render();
  }

  /** What the pointer shows over the image: the brush outline, an open hand, or a closed hand while panning. */
  get cursor(): 'brush' | 'grab' | 'grabbing' {
    if (this.gesture?.kind === 'pan') return 'grabbing';
    return this.spaceHeld || this.getState().tool === 'pan' ? 'grab' : 'brush';
  }

  // ---- pointer gestures ---------------------------------------------------------------------------------------
  get activeGesture(): 'paint' | 'pan' | null {
    return this.gesture?.kind ?? null;
  }

  get activePointerId(): number | null {
    return this.gesture?.pointerId ?? null;
  }

  /** Starts a stroke or a pan; false when the pointer is ignored (a gesture runs, no image, a right click). */
  pointerDown(pointer: EditorPointer): boolean {
    const doc = this.doc;
    if (this.gesture || !doc) return false;
    const { button } = pointer;
    const { tool, brushSize: size, hardness } = this.getState();
    if (button === 1 || ((this.spaceHeld || tool === 'pan') && button === 0)) {
      this.fitted = false;
      this.pan.begin(pointer.x, pointer.y);
      this.gesture = { pointerId: pointer.id, kind: 'pan' };
    } else if (button === 0 || button === PEN_ERASER_BUTTON) {
      const erasing = button === PEN_ERASER_BUTTON || tool === 'eraser';
      this.brush.begin(doc, this.brushSample(pointer), { size, hardness, mode: erasing ? 'erase' : 'paint' });
      this.gesture = { pointerId: pointer.id, kind: 'paint' };
    } else {
      return false;
    }
    this.renderer?.render();
    return true;
  }

  /** Continues the gesture through `pointers`, one event's coalesced samples of the gesture's pointer. */
  pointerMove(pointers: readonly EditorPointer[]): void {
    const gesture = this.gesture;
    const last = pointers[pointers.length - 1];
    if (!gesture || !last || last.id !== gesture.pointerId) return;
    if (gesture.kind === 'pan') this.pan.move(last.x, last.y);
    else this.brush.move(pointers.map((pointer) => this.brushSample(pointer)));
    this.renderer?.render();
  }

  pointerUp(pointerId: number): void {
    if (this.gesture?.pointerId === pointerId) this.finishGesture();
  }

  /** The browser took the pointer away (pointercancel): a stroke is undone, a pan stays where it got to. */
  pointerCancel(pointerId: number): void {
    if (this.gesture?.pointerId === pointerId) this.abortGesture();
  }

  runCommand(command: ShortcutCommand): void {
    const { brushSize } = this.getState();
    switch (command) {
      case 'undo': return this.undo();
      case 'redo': return this.redo();
      case 'brush': return this.setTool('brush');
      case 'eraser': return this.setTool('eraser');
      case 'pan': return this.setTool('pan');
      case 'smallerBrush':
        return this.setBrushSize(Math.min(brushSize - 1, brushSize / BRUSH_SIZE_STEP));
      case 'largerBrush':
        return this.setBrushSize(Math.max(brushSize + 1, brushSize * BRUSH_SIZE_STEP));
      case 'zoomIn': return this.zoomIn();
      case 'zoomOut': return this.zoomOut();
      case 'zoomToFit': return this.zoomToFit();
    }
  }

  /** Connects the DOM host, which is rendered at once; returns the disconnect function. */
  attachRenderer(renderer: MaskEditorRenderer): () => void {
    this.renderer = renderer;
    renderer.render();
    return () => {
      if (this.renderer === renderer) this.renderer = null;
    };
  }

  // ---- internals ----------------------------------------------------------------------------------------------
  private brushSample(pointer: EditorPointer): BrushSample {
    const { x, y } = this.view.toImage(pointer.x, pointer.y);
    return { x, y, pressure: pressureScale(pointer.pointerType, pointer.pressure) };
  }

  /** Ends any gesture first, so a shortcut in mid-stroke acts on the finished stroke. */
  private editMask(edit: (doc: MaskDocument) => boolean): void {
    if (!this.doc) return;
    this.finishGesture();
    if (edit(this.doc)) this.maskChanged();
  }

  private finishGesture(): void {
    const gesture = this.gesture;
    if (!gesture) return;
    this.gesture = null;
    if (gesture.kind === 'pan') this.pan.end();
    else if (this.brush.end()) this.maskChanged();
    this.renderer?.render();
  }

  private abortGesture(): void {
    const gesture = this.gesture;
    if (!gesture) return;
    this.gesture = null;
    if (gesture.kind === 'pan') this.pan.end();
    else this.brush.cancel();
    this.renderer?.render();
  }

  private maskChanged(): void {
    const doc = this.doc!;
    this.update({
      canUndo: doc.canUndo,
      canRedo: doc.canRedo,
      isEmpty: doc.isEmpty(),
      maskRevision: this.getState().maskRevision + 1,
    });
  }

  private fitView(): void {
    if (this.openImage && this.viewportWidth > 0 && this.viewportHeight > 0) {
      this.view.fit(this.viewportWidth, this.viewportHeight, this.openImage.width, this.openImage.height);
    }
  }

  private update(patch: Partial<MaskEditorState>): void {
    this.store.update(patch);
    this.renderer?.render();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
