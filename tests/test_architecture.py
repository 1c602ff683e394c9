"""The shape the code keeps: no import cycles; only the services query (see query_guard.py)."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"
# The factory is the composition root: it imports every area to register it, and the RQ
# worker imports it to build the app. Edges into it are not part of any layering.
COMPOSITION_ROOT = "server"


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(path): path for path in SERVER.rglob("*.py")}


def imports_of(name, path, known):
    """Every server module `name` imports, at module level or inside a function."""
    found = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # `from server.services import offers` names a module; `from x import y` a name in x.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in known)
    return found - {name, COMPOSITION_ROOT}


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_import_cycle_in_server():
    known = modules()
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_services_and_migrations_import_the_model_classes():
    """Adapters get read models; they never hold a model class to query with."""
    allowed = ("server.services", "server.migrations", "server.models")
    offenders = {}
    for name, path in modules().items():
        if name.startswith(allowed):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "server.models":
                classes = [
                    a.name for a in node.names if a.name[0].isupper() and not a.name.isupper()
                ]
                if classes:
                    offenders[name] = classes
    assert offenders == {}


def test_the_query_guard_names_an_adapter_that_queries(db):
    """The guard of query_guard.py is real: a query from an adapter's module is caught."""
    from tests import query_guard

    adapter = {"__name__": "server.widget.pretend"}
    exec(
        "def show():\n    from server.models import Customer\n    return list(Customer.select())",
        adapter,
    )
    adapter["show"]()
    with query_guard._lock:
        found, query_guard._violations[:] = list(query_guard._violations), []
    assert len(found) == 1 and found[0].startswith("server.widget.pretend:3 (show)")
