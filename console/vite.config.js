// Builds the console into the jar's static resources: Spring Boot serves target/classes/static/hawtio at /hawtio/.
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  base: '/hawtio/',
  plugins: [react()],
  build: {
    outDir: '../target/classes/static/hawtio',
    emptyOutDir: true,
    // @hawtio/react is one large bundle (about 17 MB, 4 MB gzipped); that is expected, not worth a warning
    chunkSizeWarningLimit: 20000,
    sourcemap: false,
  },
})
