"""A small Language Server Protocol client: enough to open one YAML file in
yaml-language-server and read the diagnostics an editor would show."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO


def _read(stream: BinaryIO, out: queue.Queue[dict[str, Any] | None]) -> None:
    while True:
        length = 0
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        out.put(json.loads(stream.read(length)))


class Client:
    """A running language server, spoken to over stdio."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=_read, args=(self.proc.stdout, self.inbox), daemon=True).start()
        self.next_id = 0
        self.root = root
        self.settings = {"yaml": {"validate": True, "schemaStore": {"enable": False}}}

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        return self._until(lambda m: m.get("id") == ident and "method" not in m, timeout)["result"]

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def _answer(self, message: dict[str, Any]) -> None:
        """Requests from the server: configuration gets the yaml settings, the rest null."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [
                self.settings.get(item.get("section", ""), None)
                for item in message["params"]["items"]
            ]
        self.send({"id": message["id"], "result": result})

    def _until(self, wanted: Any, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("no answer from the language server") from None
            if message is None:
                raise RuntimeError("the language server stopped")
            if "method" in message and "id" in message:
                self._answer(message)
            if wanted(message):
                return message

    def start(self) -> None:
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": self.root.as_uri(),
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {"publishDiagnostics": {}},
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def diagnostics(
        self, path: Path, *, settle: float = 3.0, timeout: float = 60, some: bool = False
    ) -> list[Any]:
        """Open `path` and return the diagnostics published for it once they stop changing;
        with `some`, once some are published (the server may first publish none, before it
        has read the schema: on a loaded machine that takes longer than `settle`)."""
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )

        def published(m: dict[str, Any]) -> bool:
            return bool(
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )

        latest: list[Any] = self._until(published, timeout)["params"]["diagnostics"]
        deadline = time.monotonic() + timeout
        while some and not latest and time.monotonic() < deadline:
            latest = self._until(published, deadline - time.monotonic())["params"]["diagnostics"]
        while True:
            try:
                latest = self._until(published, settle)["params"]["diagnostics"]
            except TimeoutError:
                return latest

    def stop(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (TimeoutError, RuntimeError, subprocess.TimeoutExpired, BrokenPipeError):
            self.proc.kill()
            self.proc.wait()
