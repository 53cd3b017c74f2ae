// Builds the console into the jar's static resources: Spring Boot serves target/classes/static/hawtio at /hawtio/.
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// @hawtio/react 2.3.0's route diagram fails ("An error occurred during drawing of the diagram", "Cannot read
// properties of undefined (reading 'weight')") on a route whose first child in Camel's XML dump is not <from>:
// routes/durable-send.camel.yaml has a route-level errorHandler, dumped first, and the diagram then links a step to
// a node that does not exist; dagre fails on that edge. Hawtio also keeps one layout graph for the whole page, so
// every diagram drawn after it failed too (each route alone drew). The fix lays out each diagram on a fresh graph
// and leaves out edges whose ends are not nodes of the diagram. The build fails if the code is not found (after an
// upgrade of @hawtio/react: check whether the fix is still needed).
const DIAGRAM_FIXES = [
  [
    'this.dagreGraph.setGraph({ rankdir: direction });',
    'this.dagreGraph = new _dagre2.default.graphlib.Graph();\n    this.dagreGraph.setDefaultEdgeLabel(() => ({}));\n' +
      '    this.dagreGraph.setGraph({ rankdir: direction });',
  ],
  [
    'this.dagreGraph.setEdge(edge.source, edge.target);',
    'if (nodes.some((n) => n.id === edge.source) && nodes.some((n) => n.id === edge.target)) ' +
      'this.dagreGraph.setEdge(edge.source, edge.target);',
  ],
]
function hawtioRouteDiagramFix() {
  let applied = 0
  return {
    name: 'orderflow-hawtio-route-diagram-fix',
    transform(code, id) {
      if (!/@hawtio[\\/]react[\\/]dist[\\/]/.test(id) || !code.includes('getLayoutedElements(nodes, edges')) return null
      let fixed = code
      for (const [from, to] of DIAGRAM_FIXES) {
        if (fixed.split(from).length !== 2) this.error(`route diagram fix: '${from}' not found once in ${id}`)
        fixed = fixed.replace(from, to)
        applied++
      }
      return { code: fixed, map: null }
    },
    buildEnd() {
      if (applied !== DIAGRAM_FIXES.length) {
        this.error(`route diagram fix applied ${applied} times, expected ${DIAGRAM_FIXES.length}: see vite.config.js`)
      }
    },
  }
}

export default defineConfig({
  base: '/hawtio/',
  plugins: [react(), hawtioRouteDiagramFix()],
  build: {
    outDir: '../target/classes/static/hawtio',
    emptyOutDir: true,
    // @hawtio/react is one large bundle (about 17 MB, 4 MB gzipped); that is expected, not worth a warning
    chunkSizeWarningLimit: 20000,
    sourcemap: false,
  },
})
