import { buildRenderer } from '../../scripts/build.mjs';

/** Builds the renderer once for every browser test, the same bundle `npm start` serves. */
export default async function setup(): Promise<void> {
  await buildRenderer();
}
