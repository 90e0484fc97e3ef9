"""Shared pieces of the fake providers: errors, the request recorder, scenario parsing, schema instances."""
import collections
import re
import threading

SCENARIO_RE = re.compile(r"\[\[scenario:([a-z0-9_,:\-]+)\]\]")


class FakeError(Exception):
    """An HTTP error the fake answers with, in the provider's own error shape."""

    def __init__(self, status, message, headers=None, kind=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.kind = kind


class Recorder:
    """Keeps the last 200 requests (provider, method, path, headers, JSON body) for tests to inspect."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = collections.deque(maxlen=200)

    def record(self, provider, method, path, headers, body):
        with self.lock:
            self.items.append({"provider": provider, "method": method, "path": path,
                               "headers": headers, "body": body})

    def all(self):
        with self.lock:
            return list(self.items)

    def clear(self):
        with self.lock:
            self.items.clear()


def _texts(value):
    """All strings found in a JSON value (to look for scenario markers in any message format)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)


def last_user_payload(body, provider):
    if not isinstance(body, dict):
        return None
    if provider == "gemini":
        items = [c for c in body.get("contents", []) if isinstance(c, dict) and c.get("role", "user") == "user"]
    else:
        items = [m for m in body.get("messages", []) if isinstance(m, dict) and m.get("role") == "user"]
    return items[-1] if items else None


class Scenario:
    """The set of scenario names plus `name:arg` parameters (e.g. slow:50 = 50 ms between events)."""

    def __init__(self, names):
        self.names = set()
        self.args = {}
        for raw in names:
            for part in raw.split(","):
                part = part.strip()
                if not part:
                    continue
                if ":" in part:
                    k, v = part.split(":", 1)
                    self.names.add(k)
                    self.args[k] = v
                else:
                    self.names.add(part)

    def __contains__(self, name):
        return name in self.names

    def arg(self, name, default):
        try:
            return int(self.args.get(name, default))
        except ValueError:
            return default

    def error_status(self):
        for n in self.names:
            if n.startswith("error_"):
                try:
                    return int(n.split("_", 1)[1])
                except ValueError:
                    pass
        return None


def scenarios_from(headers, body, provider):
    names = []
    if headers.get("x-fake-scenario"):
        names.append(headers["x-fake-scenario"])
    last = last_user_payload(body, provider)
    if last is not None:
        for text in _texts(last):
            names.extend(SCENARIO_RE.findall(text))
    return Scenario(names)


def schema_instance(schema, depth=0):
    """A small value that satisfies a JSON schema (the subset tools and response formats use)."""
    if not isinstance(schema, dict) or depth > 8:
        return "x"
    if "const" in schema:
        return schema["const"]
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema and schema[key]:
            return schema_instance(schema[key][0], depth + 1)
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null")
    if isinstance(t, str):
        t = t.lower()
    if t == "object" or (t is None and "properties" in schema):
        props = schema.get("properties", {}) or {}
        return {k: schema_instance(v, depth + 1) for k, v in props.items()}
    if t == "array":
        return [schema_instance(schema.get("items", {"type": "string"}), depth + 1)]
    if t == "integer":
        return schema.get("minimum", 1)
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    if t == "null":
        return None
    return "x"


def split_text(text, pieces=3):
    """Splits text into up to `pieces` non-empty parts (stream deltas)."""
    if len(text) < pieces:
        return [text]
    step = max(1, len(text) // pieces)
    parts = [text[i:i + step] for i in range(0, len(text), step)]
    return parts


ANSWER = "Hello from the fake provider."
REASONING = "Let me think about this step by step."
