/**
 * The first cycle in a directed graph, by depth-first search: the nodes of
 * the cycle in the order the edges go, without repeating the first one; []
 * when there is none. Nodes are tried as starts in the order given.
 *
 * Unit 07 finds deadlocks with it in a wait-for graph (threads and locks);
 * unit 05's interleaving lab in its simpler graph (a worker waits for the
 * worker holding what it wants).
 */
export function findCycle<Node>(nodes: Iterable<Node>, successors: (node: Node) => Iterable<Node>): Node[] {
  const state = new Map<Node, 'open' | 'done'>();
  const path: Node[] = [];

  const visit = (node: Node): Node[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of successors(node)) {
      if (state.get(next) === 'open') return path.slice(path.indexOf(next));
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };

  for (const node of nodes) {
    if (state.get(node) !== undefined) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return [];
}
