// Candidate index by path: a compressed radix tree keyed by each entry's literal path prefix
// (prefix paths as is, regex paths by their literal head). Walking the request path visits
// only the nodes whose key is a prefix of it, so lookup cost depends on the path length, not
// on the number of routes. Entries without paths are kept per method (plus one list for
// entries without methods), so method-only route sets do not scan each other.
import type { CompiledEntry } from './entry.ts';

interface RadixNode {
  /** Edge label from the parent. */
  label: string;
  /**
   * Children keyed by the first character of their label: `child` while there is only one,
   * `children` from the second on. With one index per route host (10,000 routes → 10,000
   * indexes) nearly every node has at most one child, and a Map costs ~180 bytes.
   */
  child: RadixNode | null;
  children: Map<number, RadixNode> | null;
  entries: CompiledEntry[];
}

function newNode(label: string): RadixNode {
  return { label, child: null, children: null, entries: [] };
}

function childAt(node: RadixNode, code: number): RadixNode | undefined {
  const only = node.child;
  if (only !== null) return only.label.charCodeAt(0) === code ? only : undefined;
  return node.children === null ? undefined : node.children.get(code);
}

/** Adds `child`, replacing the child that starts with the same character. */
function setChild(node: RadixNode, child: RadixNode): void {
  const code = child.label.charCodeAt(0);
  if (node.children !== null) {
    node.children.set(code, child);
  } else if (node.child === null || node.child.label.charCodeAt(0) === code) {
    node.child = child;
  } else {
    node.children = new Map([[node.child.label.charCodeAt(0), node.child], [code, child]]);
    node.child = null;
  }
}

function childrenOf(node: RadixNode): Iterable<RadixNode> {
  if (node.child !== null) return [node.child];
  return node.children === null ? [] : node.children.values();
}

/** Receives candidate lists (each sorted by rank) while an index is searched. */
export interface CandidateVisitor {
  visit(list: readonly CompiledEntry[]): void;
}

export class PathIndex {
  private readonly root: RadixNode = newNode('');
  private readonly pathlessAnyMethod: CompiledEntry[] = [];
  /** Created on the first method-only entry (most indexes never have one). */
  private pathlessByMethod: Map<string, CompiledEntry[]> | null = null;
  /** Operation counter for tests and benchmarks: nodes visited during searches. */
  nodesVisited = 0;

  add(entry: CompiledEntry): void {
    if (entry.paths === null) {
      if (entry.methods === null) {
        pushOnce(this.pathlessAnyMethod, entry);
        return;
      }
      const byMethod = this.pathlessByMethod ??= new Map();
      for (const method of entry.methods) {
        let list = byMethod.get(method);
        if (list === undefined) byMethod.set(method, list = []);
        pushOnce(list, entry);
      }
      return;
    }
    for (const path of entry.paths) this.insert(path.indexKey, entry);
  }

  private insert(key: string, entry: CompiledEntry): void {
    let node = this.root;
    let position = 0;
    for (;;) {
      if (position === key.length) {
        pushOnce(node.entries, entry);
        return;
      }
      const child = childAt(node, key.charCodeAt(position));
      if (child === undefined) {
        const leaf = newNode(key.slice(position));
        leaf.entries.push(entry);
        setChild(node, leaf);
        return;
      }
      const label = child.label;
      let common = 0;
      while (common < label.length && position + common < key.length
        && label.charCodeAt(common) === key.charCodeAt(position + common)) common++;
      if (common < label.length) {
        // Split the edge: a new middle node takes the shared part.
        const middle = newNode(label.slice(0, common));
        child.label = label.slice(common);
        setChild(middle, child);
        setChild(node, middle);
        node = middle;
      } else {
        node = child;
      }
      position += common;
    }
  }

  /** Sort every candidate list by rank once all entries are added. */
  finalize(): void {
    const byRank = (a: CompiledEntry, b: CompiledEntry): number => a.rank - b.rank;
    this.pathlessAnyMethod.sort(byRank);
    for (const list of this.pathlessByMethod?.values() ?? []) list.sort(byRank);
    const stack: RadixNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as RadixNode;
      node.entries.sort(byRank);
      for (const child of childrenOf(node)) stack.push(child);
    }
  }

  /** Hand every candidate list relevant to `method` and `path` to the visitor. */
  search(method: string, path: string, visitor: CandidateVisitor): void {
    if (this.pathlessAnyMethod.length > 0) visitor.visit(this.pathlessAnyMethod);
    if (this.pathlessByMethod !== null) {
      const byMethod = this.pathlessByMethod.get(method);
      if (byMethod !== undefined) visitor.visit(byMethod);
    }
    let node = this.root;
    let position = 0;
    for (;;) {
      this.nodesVisited++;
      if (node.entries.length > 0) visitor.visit(node.entries);
      if (position >= path.length) return;
      const child = childAt(node, path.charCodeAt(position));
      if (child === undefined || !path.startsWith(child.label, position)) return;
      position += child.label.length;
      node = child;
    }
  }
}

function pushOnce(list: CompiledEntry[], entry: CompiledEntry): void {
  if (list[list.length - 1] !== entry) list.push(entry);
}
