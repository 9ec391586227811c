#!/usr/bin/env python3
"""Writes bench/w4.flow.json, workload W4: a lattice of 25 layers x 20 nodes over the ads table.

Node j of layer 0 keeps the 5 campaigns with the most spend among those with
campaign_id % 20 = j. Node j of every later layer reads nodes j and (j + 1) % 20 of the layer
above through ONE list parameter (two connections, their values unioned), and keeps the 5
campaigns with the most spend among those and the ones with campaign_id % 20 = j.
`flowloom-bench floor W4` sends the same queries one after another to DataFusion.

Usage: python3 bench/lattice.py
"""

import json
from pathlib import Path

LAYERS, WIDTH = 25, 20
SQL = """SELECT campaign_id, SUM(spend) AS spend
FROM ads
WHERE campaign_id IN ({{campaign_ids}})
   OR campaign_id % 20 = {{residue}}
GROUP BY campaign_id
ORDER BY spend DESC, campaign_id
LIMIT 5
"""


def node_id(layer: int, j: int) -> str:
    return f"l{layer:02}_{j:02}"


def main() -> None:
    template = {
        "template_id": "tpl_bench_lattice",
        "name": "Top 5 among two",
        "description": "",
        "category": "benchmark",
        "tags": [],
        "sql": SQL,
        "parameters": [
            {
                "name": "campaign_ids",
                "type": "integer",
                "list": True,
                "required": True,
                "default": [],
                "description": "The campaigns of the two nodes above",
            },
            {"name": "residue", "type": "integer", "required": True, "description": "campaign_id % 20 to add"},
        ],
        "output_columns": [{"name": "campaign_id", "type": "integer"}, {"name": "spend", "type": "decimal"}],
        "version": 1,
    }
    nodes, connections = [], []
    for layer in range(LAYERS):
        for j in range(WIDTH):
            nodes.append(
                {
                    "node_id": node_id(layer, j),
                    "template_id": template["template_id"],
                    "position": {"x": 280.0 * j, "y": 200.0 * layer},
                    "node_config": {},
                    "parameter_overrides": {"residue": j},
                    "is_conditional": False,
                }
            )
            if layer == 0:
                continue
            for above in (j, (j + 1) % WIDTH):
                source = node_id(layer - 1, above)
                connections.append(
                    {
                        "connection_id": f"{source}_to_{node_id(layer, j)}",
                        "source_node_id": source,
                        "target_node_id": node_id(layer, j),
                        "field_mappings": {"campaign_ids": "campaign_id"},
                        "transformation_rules": {"campaign_ids": "distinct_list"},
                        "is_required": True,
                    }
                )
    flow = {
        "format": "flowloom.flow",
        "format_version": 1,
        "composition": {
            "composition_id": "comp_bench_w4",
            "name": f"Bench W4: a lattice of {LAYERS} x {WIDTH}",
            "description": "Node j of a layer: the top 5 campaigns by spend among those of nodes j and "
            "j+1 of the layer above (one list parameter, two connections) and those with "
            "campaign_id % 20 = j.",
            "tags": ["benchmark"],
            "global_parameters": [],
            "canvas_state": {"viewport": {"x": 0.0, "y": 0.0, "zoom": 0.25}},
            "is_public": False,
            "is_active": True,
        },
        "templates": [template],
        "nodes": nodes,
        "connections": connections,
    }
    out = Path(__file__).resolve().parent / "w4.flow.json"
    out.write_text(json.dumps(flow, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
