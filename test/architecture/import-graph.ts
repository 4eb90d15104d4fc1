import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** One import of one module by another, both as paths relative to the repository root (`src/a/b.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
  /** True for `import type` / `export type … from`: gone at run time, but still a dependency of the design. */
  typeOnly: boolean;
}

export interface ImportGraph {
  modules: string[];
  edges: ImportEdge[];
  /** Relative specifiers that named no file: a parser or resolution bug, or a broken import. */
  unresolved: { from: string; specifier: string }[];
}

const SOURCE_EXTENSIONS = ['.ts', '.js'];

/** Every .ts/.js file under the given directories (relative to `root`), skipping node_modules and dist. */
export function sourceFiles(root: string, directories: string[]): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(child);
      } else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts')) {
        found.push(child);
      }
    }
  };
  for (const directory of directories) walk(directory);
  return found.sort();
}

/**
 * The specifiers a file imports, with whether each is type-only. `ts.preProcessFile` finds every form
 * (import, export … from, import(), require()) but not type-onlyness, so that comes from the syntax tree.
 */
function importsOf(file: string, text: string): { specifier: string; typeOnly: boolean }[] {
  const all = ts.preProcessFile(text, true, true).importedFiles.map((ref) => ref.fileName);
  const typeOnly = new Set<string>();
  const valued = new Set<string>();
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  for (const statement of source.statements) {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const isType = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
    (isType ? typeOnly : valued).add(specifier.text);
  }
  return [...new Set(all)].map((specifier) => ({ specifier, typeOnly: typeOnly.has(specifier) && !valued.has(specifier) }));
}

/** A relative specifier → the repository file it loads; `dist/x.js` (how bin/ reaches the build) → `x.ts`. */
function resolve(root: string, from: string, specifier: string, known: Set<string>): string | undefined {
  let target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  if (target.startsWith('dist/')) target = target.slice('dist/'.length).replace(/\.js$/, '');
  const candidates = [target, `${target}.ts`, `${target}.js`, `${target}/index.ts`, `${target}/index.js`];
  const hit = candidates.find((candidate) => known.has(candidate));
  if (hit) return hit;
  return candidates.find((candidate) => fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile());
}

/** The import graph of every source file under `directories`; imports of packages are left out. */
export function importGraph(root: string, directories: string[]): ImportGraph {
  const modules = sourceFiles(root, directories);
  const known = new Set(modules);
  const edges: ImportEdge[] = [];
  const unresolved: ImportGraph['unresolved'] = [];
  for (const from of modules) {
    for (const { specifier, typeOnly } of importsOf(from, fs.readFileSync(path.join(root, from), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const to = resolve(root, from, specifier, known);
      if (to) edges.push({ from, to, typeOnly });
      else unresolved.push({ from, specifier });
    }
  }
  return { modules, edges, unresolved };
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each as the path of modules that
 * goes round it: `[a, b, a]`. Self-imports count.
 */
export function importCycles(modules: string[], edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(modules.map((m) => [m, []]));
  for (const edge of edges) next.get(edge.from)?.push(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const start of modules) {
    if (index.has(start)) continue;
    const work: { node: string; child: number }[] = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const children = next.get(frame.node) ?? [];
      if (frame.child < children.length) {
        const child = children[frame.child++];
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (next.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => cyclePath(component, next));
}

/** A shortest way from the component's first module (in sorted order) back to itself, inside the component. */
function cyclePath(component: string[], next: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const child of next.get(node) ?? []) {
      if (!members.has(child)) continue;
      if (child === start) {
        const way: string[] = [];
        for (let at = node; at !== start; at = cameFrom.get(at)!) way.unshift(at);
        return [start, ...way, start];
      }
      if (!cameFrom.has(child)) {
        cameFrom.set(child, node);
        queue.push(child);
      }
    }
  }
  return [start, start];
}
