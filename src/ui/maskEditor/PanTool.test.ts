// The hand tool's state machine: idle -> dragging -> idle, with the grabbed image point kept under the pointer.
import { describe, expect, it } from 'vitest';
import { PanTool } from './PanTool';
import { ViewTransform } from './ViewTransform';

describe('PanTool', () => {
  it('goes idle -> dragging -> idle and moves the view by the pointer travel', () => {
    const view = new ViewTransform();
    view.offsetX = 10;
    view.offsetY = 20;
    const pan = new PanTool(view);
    expect(pan.phase).toBe('idle');
    pan.move(500, 500);
    expect([view.offsetX, view.offsetY]).toEqual([10, 20]);
    pan.begin(100, 100);
    expect(pan.phase).toBe('dragging');
    pan.move(130, 90);
    expect([view.offsetX, view.offsetY]).toEqual([40, 10]);
    pan.move(90, 150); // relative to where the drag began, not to the last move
    expect([view.offsetX, view.offsetY]).toEqual([0, 70]);
    pan.end();
    expect(pan.phase).toBe('idle');
    pan.move(0, 0);
    expect([view.offsetX, view.offsetY]).toEqual([0, 70]);
    pan.begin(0, 0); // a second drag starts from where the first left the view
    pan.move(5, 5);
    expect([view.offsetX, view.offsetY]).toEqual([5, 75]);
  });

  it('keeps the grabbed image point under the pointer', () => {
    const view = new ViewTransform();
    view.zoom = 2.5;
    const pan = new PanTool(view);
    const grabbed = view.toImage(200, 120);
    pan.begin(200, 120);
    pan.move(260, 40);
    expect(view.toImage(260, 40)).toEqual(grabbed);
  });
});
