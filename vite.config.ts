import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The renderer's entry stays small; features load on demand (the viewer lazily).
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
});
