// Candidate index by path: a compressed radix tree keyed by each entry's literal path prefix
// (prefix paths as is, regex paths by their literal head). Walking the request path visits
// only the nodes whose key is a prefix of it, so lookup cost depends on the path length, not
// on the number of routes. Entries without paths are kept per method (plus one list for
// entries without methods), so method-only route sets do not scan each other.
import type { CompiledEntry } from './entry.ts';

interface RadixNode {
  /** Edge label from the parent. */
  label: string;
  children: Map<number, RadixNode>;
  entries: CompiledEntry[];
}

function newNode(label: string): RadixNode {
  return { label, children: new Map(), entries: [] };
}

/** Receives candidate lists (each sorted by rank) while an index is searched. */
export interface CandidateVisitor {
  visit(list: readonly CompiledEntry[]): void;
}

export class PathIndex {
  private readonly root: RadixNode = newNode('');
  private readonly pathlessAnyMethod: CompiledEntry[] = [];
  private readonly pathlessByMethod = new Map<string, CompiledEntry[]>();
  /** Operation counter for tests and benchmarks: nodes visited during searches. */
  nodesVisited = 0;

  add(entry: CompiledEntry): void {
    if (entry.paths === null) {
      if (entry.methods === null) {
        pushOnce(this.pathlessAnyMethod, entry);
        return;
      }
      for (const method of entry.methods) {
        let list = this.pathlessByMethod.get(method);
        if (list === undefined) this.pathlessByMethod.set(method, list = []);
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
      const first = key.charCodeAt(position);
      const child = node.children.get(first);
      if (child === undefined) {
        const leaf = newNode(key.slice(position));
        leaf.entries.push(entry);
        node.children.set(first, leaf);
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
        middle.children.set(child.label.charCodeAt(0), child);
        node.children.set(first, middle);
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
    for (const list of this.pathlessByMethod.values()) list.sort(byRank);
    const stack: RadixNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as RadixNode;
      node.entries.sort(byRank);
      for (const child of node.children.values()) stack.push(child);
    }
  }

  /** Hand every candidate list relevant to `method` and `path` to the visitor. */
  search(method: string, path: string, visitor: CandidateVisitor): void {
    if (this.pathlessAnyMethod.length > 0) visitor.visit(this.pathlessAnyMethod);
    if (this.pathlessByMethod.size > 0) {
      const byMethod = this.pathlessByMethod.get(method);
      if (byMethod !== undefined) visitor.visit(byMethod);
    }
    let node = this.root;
    let position = 0;
    for (;;) {
      this.nodesVisited++;
      if (node.entries.length > 0) visitor.visit(node.entries);
      if (position >= path.length) return;
      const child = node.children.get(path.charCodeAt(position));
      if (child === undefined || !path.startsWith(child.label, position)) return;
      position += child.label.length;
      node = child;
    }
  }
}

function pushOnce(list: CompiledEntry[], entry: CompiledEntry): void {
  if (list[list.length - 1] !== entry) list.push(entry);
}
