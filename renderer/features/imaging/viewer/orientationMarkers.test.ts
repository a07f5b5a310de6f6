import { describe, expect, it } from 'vitest';
import { directionLetters, orientationMarkers } from './orientationMarkers';

describe('orientation markers', () => {
  it('names the patient axes in LPS', () => {
    expect([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]].map((v) => directionLetters(v as [number, number, number]))).toEqual(['L', 'R', 'P', 'A', 'S', 'I']);
  });

  it('lists an oblique direction strongest first and drops slight tilts', () => {
    expect(directionLetters([0.6, -0.8, 0])).toBe('AL');
    expect(directionLetters([0.99, 0, 0.14])).toBe('L');
  });

  it('gives the radiological axial view: patient left on the screen right, anterior up', () => {
    // Screen right is world +x, screen up is world −y.
    expect(orientationMarkers([1, 0, 0], [0, -1, 0])).toEqual({ top: 'A', bottom: 'P', left: 'R', right: 'L' });
  });

  it('gives the sagittal view: head up, anterior on the left', () => {
    expect(orientationMarkers([0, 1, 0], [0, 0, 1])).toEqual({ top: 'S', bottom: 'I', left: 'A', right: 'P' });
  });
});
