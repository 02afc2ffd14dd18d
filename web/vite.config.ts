import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';

export default defineConfig({
  plugins: [solid()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The lazy chunks (Markdown, highlight.js and its languages) import
    // nothing of their own to preload: no preload helper in the main bundle.
    modulePreload: false,
    // One small main bundle and lazy chunks named after what they hold;
    // stable names keep the committed build reviewable.
    rollupOptions: {
      output: {
        entryFileNames: 'assets/app-[hash].js',
        chunkFileNames: (chunk) => (chunk.facadeModuleId?.includes('/highlight.js/') ? 'assets/hljs-[name]-[hash].js' : 'assets/[name]-[hash].js'),
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
