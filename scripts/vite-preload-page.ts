// The till's index.html preloads the page its entry imports at once (src/main.ts starts the payment worker, then
// imports src/start.ts): the page's chunks are fetched beside the entry instead of after it has run. Vite lists in
// index.html only what the entry imports statically; this adds the page's own static graph (docs/performance.md).
import type { HtmlTagDescriptor, Plugin } from 'vite'

export function preloadPage(page = 'src/start.ts'): Plugin {
  return {
    name: 'paydesk-preload-page',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle || ctx.path !== '/index.html') return html
        const start = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(page))
        if (!start) return html
        const seen = new Set<string>()
        const walk = (file: string) => {
          const c = bundle[file]
          if (seen.has(file) || c?.type !== 'chunk') return
          seen.add(file)
          for (const i of c.imports) walk(i)
        }
        walk(start.fileName)
        const tags: HtmlTagDescriptor[] = [...seen]
          .filter((f) => !html.includes(f))
          .map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' }))
        return { html, tags }
      },
    },
  }
}
