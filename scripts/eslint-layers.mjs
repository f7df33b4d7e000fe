// The ESLint rule `paydesk/layers`: each folder imports only from its allow-list (docs/architecture.md § 2, § 9).
// An import is resolved to a repository path (or kept as a package name) and must match one of the layer's `allow`
// globs — or `allowTypes` for an `import type` — else the error names what the layer should use instead.
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** A glob over repository paths: `**` any folders, `*` any characters but `/`. Package names match themselves. */
export function globToRegExp(glob) {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') source += '[^/]*'
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

const cache = new Map()
function matches(globs, path) {
  return (globs ?? []).some((glob) => {
    if (!cache.has(glob)) cache.set(glob, globToRegExp(glob))
    return cache.get(glob).test(path)
  })
}

/** The repository path a relative import names; a package or virtual module keeps its name. */
function targetOf(filename, source) {
  if (!source.startsWith('.')) return source
  return relative(ROOT, resolve(dirname(filename), source))
    .split(sep)
    .join('/')
}

/** `{{own}}` in a layer's globs stands for the provider folder the linted file is in. */
function own(globs, file) {
  const m = /^(?:workers\/providers|sandbox)\/([^/]+)\//.exec(file)
  return (globs ?? []).map((g) => (m ? g.replaceAll('{{own}}', m[1]) : g))
}

export const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its layer allows (docs/architecture.md § 2).' },
    schema: false,
    messages: { forbidden: '{{layer}} may not import {{target}}. {{instead}}' },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/')
    const layer = (context.options[0]?.layers ?? []).find((l) => matches(l.files, file) && !matches(l.ignores, file))
    if (!layer) return {}
    const allow = own(layer.allow, file)
    const allowTypes = own(layer.allowTypes, file)
    function check(node, sourceNode, typeOnly) {
      if (!sourceNode || typeof sourceNode.value !== 'string') return
      const target = targetOf(context.filename, sourceNode.value)
      if (matches(allow, target) || (typeOnly && matches(allowTypes, target))) return
      const advice = (layer.instead ?? []).find((i) => matches(own(i.imports, file), target))
      context.report({
        node,
        messageId: 'forbidden',
        data: { layer: layer.name, target, instead: advice?.message ?? layer.message },
      })
    }
    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'))
        check(node, node.source, typeOnly)
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source, node.exportKind === 'type')
      },
      ExportAllDeclaration(node) {
        check(node, node.source, node.exportKind === 'type')
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source, false)
      },
    }
  },
}

export default { rules: { layers } }
