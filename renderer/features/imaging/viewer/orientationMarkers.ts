/**
 * Patient orientation markers for a view: which way each screen edge points in the patient.
 * Cornerstone's world is DICOM patient space (LPS): +x is the patient's left, +y posterior, +z head.
 */
export type Vec3 = readonly [number, number, number];

const LETTERS: ReadonlyArray<readonly [string, string]> = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];
/** Components smaller than this share of the direction are left out, so a slight tilt reads "L", not "LAS". */
const MINOR_SHARE = 0.3;

/** The letters of a direction, strongest first: [1,0,0] → "L", an oblique [0.7,-0.7,0] → "LA". */
export function directionLetters(direction: Vec3): string {
  const length = Math.hypot(...direction);
  if (length === 0) return '';
  return direction
    .map((value, axis) => ({ value: value / length, axis }))
    .filter(({ value }) => Math.abs(value) >= MINOR_SHARE)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .map(({ value, axis }) => (LETTERS[axis] as readonly [string, string])[value > 0 ? 0 : 1])
    .join('');
}

export interface OrientationMarkers {
  readonly top: string;
  readonly bottom: string;
  readonly left: string;
  readonly right: string;
}

/** Markers from the world directions of the screen's right and up (both taken from the viewport itself). */
export function orientationMarkers(right: Vec3, up: Vec3): OrientationMarkers {
  const opposite = (v: Vec3): Vec3 => [-v[0], -v[1], -v[2]];
  return { top: directionLetters(up), bottom: directionLetters(opposite(up)), left: directionLetters(opposite(right)), right: directionLetters(right) };
}
