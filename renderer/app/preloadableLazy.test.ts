import { createElement, lazy, Suspense, type ComponentType } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { preloadableLazy } from './preloadableLazy';

const Greeting: ComponentType<{ name: string }> = ({ name }) => createElement('b', null, name);
const inSuspense = (component: ComponentType<{ name: string }>) => renderToString(createElement(Suspense, { fallback: 'loading' }, createElement(component, { name: 'Ada' })));

describe('preloadableLazy', () => {
  it('renders a preloaded component on its first render, where plain lazy would still suspend', async () => {
    const plain = lazy(async () => ({ default: Greeting }));
    const preloadable = preloadableLazy(async () => Greeting);
    await preloadable.preload();
    expect(inSuspense(preloadable)).toBe('<!--$--><b>Ada</b><!--/$-->');
    expect(inSuspense(plain)).toContain('loading');
  });

  it('suspends until loaded when not preloaded, and tries a failed load again', async () => {
    let attempts = 0;
    const flaky = preloadableLazy(async () => {
      if (++attempts === 1) throw new Error('chunk failed');
      return Greeting;
    });
    expect(inSuspense(flaky)).toContain('loading');
    await expect(flaky.preload()).rejects.toThrow('chunk failed');
    await flaky.preload();
    expect(attempts).toBe(2);
    expect(inSuspense(flaky)).toBe('<!--$--><b>Ada</b><!--/$-->');
  });
});
