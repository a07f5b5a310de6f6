import { createElement, lazy, type ComponentType, type ReactElement } from 'react';

export interface PreloadableComponent<P extends object> {
  (props: P): ReactElement;
  /** Starts loading the module now; once it is in, rendering the component never suspends. */
  preload(): Promise<ComponentType<P>>;
}

/**
 * `React.lazy` for a component that is loaded ahead of its first render. Plain `lazy` suspends on its
 * first render even when the module is already loaded (its promise settles a tick later), and React
 * 19 holds a suspended reveal back for up to 300 ms: the CT viewer appeared that much later after
 * a click. Once `preload()` has finished, this renders the loaded component directly.
 */
export function preloadableLazy<P extends object>(load: () => Promise<ComponentType<P>>): PreloadableComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = (): Promise<ComponentType<P>> => {
    loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = null; // a failed chunk load may be tried again
        throw error;
      },
    );
    return loading;
  };
  const Suspending = lazy(() => preload().then((component) => ({ default: component })));
  const Component = (props: P): ReactElement => createElement((loaded ?? Suspending) as ComponentType<P>, props);
  return Object.assign(Component, { preload });
}
