"""Growth, side by side: the latest results at each data size, per store.

    python bench/compare.py                 # the latest run of each store and size
    python bench/compare.py --markdown      # the same as Markdown tables (for the README)

For each scenario: the paced p99 (what an agent feels) and the flat-out requests/s (what
the server can take) at 10 k, 100 k and 1 M customers. A figure that grows with the data
size is a query that reads more rows as the data grows; an index lookup stays flat.
"""

import argparse
import glob
import json
import os

from run import RESULTS, SCENARIOS, TARGETS, size_label


def latest(folder=RESULTS):
    """The newest result file per (store, size)."""
    found = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path) as file:
            report = json.load(file)
        if "scenarios" not in report:
            continue
        found[(report["store"], report.get("size", report["customers"]))] = report
    return found


def target_text(name):
    if name not in TARGETS:
        return "ceiling" if name == "healthz" else ""
    measure, value = TARGETS[name]
    return f">= {value:.0%} of healthz" if measure == "share_of_ceiling" else f"< {value:g} ms"


def rows(reports):
    """Table rows: scenario, then p99 and req/s per size, then the target."""
    for name in SCENARIOS:
        cells = []
        for report in reports:
            result = report["scenarios"].get(name)
            if result is None:
                cells += ["", ""]
                continue
            cells += [f"{result['paced']['p99_ms']:.1f}", f"{result['flat_out']['rps']:,.0f}"]
        yield [name, *cells, target_text(name)]


def render(store, reports, markdown):
    sizes = [size_label(report.get("size", report["customers"])) for report in reports]
    header = ["scenario"]
    for size in sizes:
        header += [f"p99 ms {size}", f"req/s {size}"]
    header.append("target")
    body = list(rows(reports))
    notes = [
        f"{size_label(r.get('size', r['customers']))}: {r['at']}, commit {r['commit']}, "
        f"{r['server']['workers']}x{r['server']['threads']} gunicorn, load "
        + "/".join(format(x, ".1f") for x in r.get("load_average", []))
        for r in reports
    ]
    if markdown:
        lines = [
            f"**{store}** (p99: paced, {reports[0]['agents']} agents; req/s: flat out)",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "|".join(["---"] + ["---:"] * (len(header) - 2) + ["---"]) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        lines += [""] + [f"- {note}" for note in notes]
        return "\n".join(lines)
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    lines = [store]
    for row in [header, *body]:
        lines.append(
            "  ".join(
                str(cell).rjust(width) if 0 < i < len(row) - 1 else str(cell).ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    lines += notes
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=RESULTS)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    found = latest(args.results)
    if not found:
        raise SystemExit(f"compare: no results in {args.results}")
    for store in sorted({store for store, _ in found}):
        reports = [found[key] for key in sorted(k for k in found if k[0] == store)]
        print(render(store, reports, args.markdown))
        print()


if __name__ == "__main__":
    main()
