/** All roles with their parent and own permissions: small, read on every authorised request, cached. */
export interface RoleGraph {
  roles: Record<
    string,
    { parent: string | null; permissions: string[]; builtIn: boolean; description: string }
  >;
}

/** The role and its ancestors, nearest first. A cycle (which the service refuses to create) stops the walk. */
export function lineage(graph: RoleGraph, role: string): string[] {
  const chain: string[] = [];
  for (let current: string | null = role; current && !chain.includes(current); ) {
    const node: RoleGraph['roles'][string] | undefined = graph.roles[current];
    if (!node) break;
    chain.push(current);
    current = node.parent;
  }
  return chain;
}

/** Everything a holder of these roles may do: each role's own grants plus all inherited ones. */
export function effectivePermissions(graph: RoleGraph, roles: readonly string[]): Set<string> {
  const granted = new Set<string>();
  for (const role of roles) {
    for (const name of lineage(graph, role)) for (const p of graph.roles[name]!.permissions) granted.add(p);
  }
  return granted;
}
