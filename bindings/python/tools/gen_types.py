"""Generates xero_link/types.py (TypedDicts of every request and result) from the JSON Schemas in schemas/.

Run from anywhere: `python3 bindings/python/tools/gen_types.py` rewrites the module; `--check` exits 1 when the
committed module differs from what the schemas give (tests/test_types.py runs that check). Standard library only,
so the output depends on the schemas alone, not on a generator's version.
"""

from __future__ import annotations

import json
import keyword
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "schemas"
OUT = Path(__file__).resolve().parents[1] / "xero_link" / "types.py"

# Operation -> (request schema, result schema). Operations without a published schema are listed in
# UNTYPED_OPERATIONS below and typed as plain JSON objects.
OPERATIONS: dict[str, tuple[str | None, str | None]] = {
    "push_contacts": ("push_contacts.request.json", "push.response.json"),
    "push_items": ("push_items.request.json", "push.response.json"),
    "push_invoice": ("push_invoice.request.json", "push.response.json"),
    "push_invoices": ("push_invoices.request.json", "push.response.json"),
    "push_credit_notes": ("push_credit_notes.request.json", "push.response.json"),
    "push_payments": ("push_payments.request.json", "push.response.json"),
    "get_accounts": ("lookup.request.json", "get_accounts.response.json"),
    "get_tax_rates": ("lookup.request.json", "get_tax_rates.response.json"),
    "get_tracking_categories": ("lookup.request.json", "get_tracking_categories.response.json"),
    "get_documents": ("get_documents.request.json", "get_documents.response.json"),
}
UNTYPED_OPERATIONS = [
    "version", "configure", "set_log_level", "authorize_url", "authenticate", "connections", "set_tenant",
    "status", "disconnect", "export_state", "import_state", "debug_panic",
]


class Generator:
    def __init__(self) -> None:
        self.defs: dict[str, str] = {}  # name -> rendered definition
        self.sources: dict[str, str] = {}  # name -> canonical JSON of its schema (collision check)
        self.order: list[str] = []

    def type_of(self, schema: Any, defs: dict[str, Any], hint: str) -> str:
        if schema is True or schema == {} or (isinstance(schema, dict) and set(schema) <= {"description", "default"}):
            return "Any"
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            self.define(name, defs[name], defs)
            # A type still being written (a recursive one) is named as a string: a forward reference.
            return json.dumps(name) if self.defs[name] == "" else name
        for combo in ("anyOf", "oneOf"):
            if combo in schema:
                parts = [self.type_of(s, defs, hint) for s in schema[combo]]
                return self.union(parts)
        if "const" in schema:
            return f"Literal[{json.dumps(schema['const'])}]"
        if "enum" in schema:
            return "Literal[" + ", ".join(json.dumps(v) for v in schema["enum"]) + "]"
        t = schema.get("type")
        if isinstance(t, list):
            return self.union([self.type_of({**schema, "type": one}, defs, hint) for one in t])
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "null":
            return "None"
        if t == "array":
            return f"list[{self.type_of(schema.get('items', True), defs, hint)}]"
        if t == "object":
            if "properties" in schema:
                self.define(hint, schema, defs)
                return hint
            return "dict[str, Any]"
        raise ValueError(f"unsupported schema at {hint}: {schema}")

    @staticmethod
    def union(parts: list[str]) -> str:
        seen: list[str] = []
        for p in parts:
            for q in p.split(" | "):
                if q not in seen:
                    seen.append(q)
        literals = [p for p in seen if p.startswith("Literal[")]
        if len(literals) > 1:  # Literal["a"] | Literal["b"] -> Literal["a", "b"]
            merged = "Literal[" + ", ".join(p[len("Literal["):-1] for p in literals) + "]"
            seen = [merged if p == literals[0] else p for p in seen if p not in literals[1:]]
        if "None" in seen:  # None last, as people write it
            seen = [p for p in seen if p != "None"] + ["None"]
        return " | ".join(seen)

    def define(self, name: str, schema: dict[str, Any], defs: dict[str, Any], drop: tuple[str, ...] = ()) -> None:
        canonical = json.dumps([schema, drop], sort_keys=True)
        if name in self.sources:
            if self.sources[name] != canonical:
                raise ValueError(f"two different schemas are both named {name}")
            return
        self.sources[name] = canonical
        self.defs[name] = ""  # reserve: recursion ends here
        if schema.get("type") != "object" or "properties" not in schema:
            comment = self.comment(schema.get("description"), "")
            self.defs[name] = f"{comment}{name} = {self.type_of({k: v for k, v in schema.items() if k != 'description'}, defs, name)}\n"
            self.order.append(name)
            return
        required = set(schema.get("required", []))
        lines = []
        for prop, sub in sorted(schema["properties"].items()):
            if prop in drop:
                continue
            t = self.type_of(sub, defs, name + "".join(p.capitalize() for p in prop.split("_")))
            if prop not in required:
                t = f"NotRequired[{t}]"
            lines.append(self.comment(sub.get("description") if isinstance(sub, dict) else None, "    "))
            lines.append(f"    {json.dumps(prop)}: {t},\n")
        doc = self.comment(schema.get("description"), "")
        body = "".join(lines) or ""
        self.defs[name] = f"{doc}{name} = TypedDict(\n    {json.dumps(name)},\n    {{\n{self.indent(body)}    }},\n)\n"
        self.order.append(name)

    @staticmethod
    def indent(body: str) -> str:
        return "".join("    " + line if line.strip() else line for line in body.splitlines(keepends=True))

    @staticmethod
    def comment(text: str | None, pad: str) -> str:
        if not text:
            return ""
        return "".join(f"{pad}# {line}".rstrip() + "\n" for line in text.splitlines())

    def schema_file(self, file: str, drop: tuple[str, ...] = (), name: str | None = None) -> str:
        schema = json.loads((SCHEMAS / file).read_text(encoding="utf-8"))
        defs = schema.get("$defs", {})
        top = name or schema["title"]
        self.define(top, {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "title")}, defs, drop)
        return top


def arguments_name(request: str) -> str:
    return request[: -len("Request")] + "Arguments" if request.endswith("Request") else request + "Arguments"


def render() -> str:
    g = Generator()
    table = []
    for op, (req, res) in OPERATIONS.items():
        request = g.schema_file(req) if req else None
        # What Connection's methods take as keyword arguments: the request less `connection` (the Connection's own).
        arguments = g.schema_file(req, drop=("connection",), name=arguments_name(request)) if req and request else None
        result = g.schema_file(res) if res else None
        table.append((op, request, arguments, result))
    for name in g.defs:
        if keyword.iskeyword(name):
            raise ValueError(f"a type would be named {name}")
    out = [
        '"""Types of every request and result of xero-link with a published JSON Schema; GENERATED, do not edit.\n\n'
        "Made by tools/gen_types.py from the repository's schemas/ directory; tests/test_types.py fails when this\n"
        "file is stale. Operations without a published schema "
        f"({', '.join(UNTYPED_OPERATIONS)}) take and give plain JSON objects.\n"
        '"""\n\n',
        "from __future__ import annotations\n\n",
        "import sys\nfrom typing import Any, Literal, TypedDict\n\n",
        "if sys.version_info >= (3, 11):\n    from typing import NotRequired\nelse:  # Python 3.10\n"
        "    from typing_extensions import NotRequired\n\n",
        "__all__ = [\n" + "".join(f"    {json.dumps(n)},\n" for n in sorted(g.order)) + "]\n\n",
    ]
    for name in g.order:
        out.append("\n" + g.defs[name])
    out.append("\n# operation -> (request type, Connection keyword arguments type, result type), by name\n")
    out.append("OPERATION_TYPES: dict[str, tuple[str, str, str]] = {\n")
    for op, request, arguments, result in table:
        out.append(f"    {json.dumps(op)}: ({json.dumps(request)}, {json.dumps(arguments)}, {json.dumps(result)}),\n")
    out.append("}\n")
    return "".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run python3 bindings/python/tools/gen_types.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
