import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// index.html lives in src/, not in client/: the server looks for a built client at client/index.html
// before dist/client/index.html (server/app.ts), so a source index.html there would be served raw.
export default defineConfig({
  root: path.resolve(here, 'src'),
  publicDir: path.resolve(here, 'public'),
  plugins: [react()],
  build: { outDir: path.resolve(here, '../dist/client'), emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/media': 'http://127.0.0.1:3000' } },
});
