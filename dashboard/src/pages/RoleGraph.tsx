// The inheritance graph of an organization's roles, laid out by dagre (parents above the roles that extend them) and
// drawn by React Flow. Loaded on demand (App imports it lazily), so neither library weighs on the first load.
import "@xyflow/react/dist/style.css";
import { Graph, layout } from "@dagrejs/dagre";
import { Background, Controls, type Edge, MarkerType, type Node, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import { type Page, type Role, api } from "../api.js";
import { Link, navigate } from "../router.js";
import { Empty, Loaded, useLoad } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

const WIDTH = 190;
const HEIGHT = 56;

/** Positions each role with dagre: an edge from each parent to the role extending it, top to bottom. */
function laidOut(roles: Role[]): { nodes: Node[]; edges: Edge[] } {
  const g = new Graph();
  g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 60 });
  g.setDefaultEdgeLabel(() => ({}));
  const keys = new Set(roles.map((r) => r.key));
  for (const r of roles) g.setNode(r.key, { width: WIDTH, height: HEIGHT });
  const edges: Edge[] = [];
  for (const r of roles)
    for (const parent of r.extends)
      if (keys.has(parent)) {
        g.setEdge(parent, r.key);
        edges.push({
          id: `${parent}->${r.key}`,
          source: parent,
          target: r.key,
          markerEnd: { type: MarkerType.ArrowClosed },
        });
      }
  layout(g);
  const nodes: Node[] = roles.map((r) => {
    const p = g.node(r.key);
    return {
      id: r.key,
      position: { x: p.x - WIDTH / 2, y: p.y - HEIGHT / 2 },
      data: { label: `${r.name} (${r.grants.length} own)` },
      style: { width: WIDTH },
      ariaLabel: `${r.name}${r.extends_names.length ? `, extends ${r.extends_names.join(", ")}` : ""}`,
    };
  });
  return { nodes, edges };
}

export default function RoleGraph({ slug }: { slug: string }) {
  const org = encodeURIComponent(slug);
  const [load] = useLoad(`graph:${slug}`, () => api<Page<Role>>("GET", `/organizations/${org}/roles`));
  return (
    <>
      <OrgNav slug={slug} name={slug} here="Role graph" />
      <h1>Role inheritance</h1>
      <p className="muted">Each arrow goes from a role to one that extends it (and so holds its permissions).</p>
      <Loaded load={load} what="the roles">
        {({ data }) => (data.length === 0 ? <Empty>No roles.</Empty> : <Drawing roles={data} org={org} />)}
      </Loaded>
    </>
  );
}

function Drawing({ roles, org }: { roles: Role[]; org: string }) {
  const { nodes, edges } = useMemo(() => laidOut(roles), [roles]);
  return (
    <>
      <div className="graph" role="figure" aria-label="Role inheritance graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          fitView
          nodesDraggable={false}
          nodesConnectable={false}
          onNodeClick={(_e, node) => navigate(`/orgs/${org}/roles/${encodeURIComponent(node.id)}`)}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <h2>As a list</h2>
      <ul>
        {roles.map((r) => (
          <li key={r.key}>
            <Link to={`/orgs/${org}/roles/${encodeURIComponent(r.key)}`}>{r.name}</Link>
            {r.extends_names.length ? <span className="muted"> extends {r.extends_names.join(", ")}</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
