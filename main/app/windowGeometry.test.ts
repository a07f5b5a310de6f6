import { describe, expect, it } from 'vitest';
import { restorableState } from './windowGeometry.js';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };

describe('restorableState', () => {
  it('restores a window that is on a display', () => {
    const saved = { x: 100, y: 80, width: 1200, height: 800, maximized: false };
    expect(restorableState(saved, [laptop])).toEqual(saved);
  });
  it('forgets a window left on a monitor that is gone', () => {
    expect(restorableState({ x: 2000, y: 0, width: 1200, height: 800, maximized: true }, [laptop])).toBeNull();
  });
  it('ignores a damaged state file', () => {
    expect(restorableState({ x: 'a' }, [laptop])).toBeNull();
    expect(restorableState(null, [laptop])).toBeNull();
  });
});
