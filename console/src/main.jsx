// orderflow's Hawtio console: @hawtio/react with the plugins that work against the connector's own Jolokia
// (/hawtio/jolokia, forwarded to /actuator/jolokia). The backend endpoints it calls are io.orderflow.console.
import '@hawtio/react/dist/index.css'
import '@patternfly/react-core/dist/styles/base.css'
import ReactDOM from 'react-dom/client'
import { camel, configManager, consoleStatus, hawtio, jmx, rbac, runtime } from '@hawtio/react'
import { Hawtio } from '@hawtio/react/ui' // 2.x: <Hawtio/> lives in /ui, not in the root export

configManager.addProductInfo('orderflow console', '0.1.0')

// Not registered: keycloak/oidc (login is the built-in form against the connector), connect (no proxy to other
// JVMs), logs/quartz/springboot (no such MBeans here), jvmDiagnostics (its DiagnosticCommand MBean is denied by
// jolokia-access.xml).
jmx()
rbac()
camel()
runtime()
consoleStatus()

hawtio.bootstrap().then(() => {
  ReactDOM.createRoot(document.getElementById('root')).render(<Hawtio />)
})
