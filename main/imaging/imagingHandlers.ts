import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';

/** The study browser's and viewer's contract methods; the catalog (and the AWS SDK) load on first use. */
export function registerImagingHandlers(registry: HandlerRegistry, services: Services): void {
  const catalog = () => services.imagingCatalog;
  registry.register('imaging.library.list', async () => (await catalog()).library());
  registry.register('imaging.studies.search', async (input) => (await catalog()).search(input));
  registry.register('imaging.study.get', async ({ study }) => (await catalog()).study(study));
  registry.register('imaging.series.open', async (input) => (await catalog()).open(input));
  registry.register('imaging.series.focus', async ({ seriesId, index }) => {
    (await catalog()).focus(seriesId, index);
    return null;
  });
  registry.register('imaging.series.close', async ({ seriesId }) => {
    (await catalog()).close(seriesId);
    return null;
  });
}
