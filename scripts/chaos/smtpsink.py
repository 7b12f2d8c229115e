"""A tiny SMTP server for the fault scripts and tests: it speaks just enough SMTP for
Django's backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records every message it
accepts, and can stall in the middle of a conversation (after the message's final dot,
before its 250) so that the sender is genuinely stuck mid-send when it is killed.

A message counts as received only once the sink has answered 250, as a real server
accepts responsibility for a message only then."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class Received:
    recipients: list[str]
    raw: bytes

    def text(self) -> str:
        """The plain-text part of the message."""
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


@dataclass
class SMTPSink:
    port: int
    stall_after: int | None = None  # stall the conversation of message number stall_after + 1
    messages: list[Received] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> SMTPSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._converse(self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def _converse(self, rfile, wfile) -> None:  # type: ignore[no-untyped-def]
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        reply("220 sink ESMTP")
        recipients: list[str] = []
        while True:
            line = rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                reply("250-sink")
                reply("250 8BITMIME")
            elif verb in {"HELO", "NOOP"}:
                reply("250 ok")
            elif verb == "MAIL":
                recipients = []
                reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                reply("250 ok")
            elif verb == "DATA":
                reply("354 end with <CRLF>.<CRLF>")
                raw = self._read_data(rfile)
                if raw is None:
                    return
                if self._must_stall():
                    self.stalled.set()
                    self.release.wait()
                    return  # the sender was killed mid-conversation: nothing accepted
                with self._lock:
                    self.messages.append(Received(recipients, raw))
                reply("250 accepted")
            elif verb == "RSET":
                recipients = []
                reply("250 ok")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:
                reply("502 not implemented")

    def _must_stall(self) -> bool:
        with self._lock:
            return self.stall_after is not None and len(self.messages) >= self.stall_after

    @staticmethod
    def _read_data(rfile) -> bytes | None:  # type: ignore[no-untyped-def]
        lines: list[bytes] = []
        while True:
            line = rfile.readline()
            if not line:
                return None
            if line in {b".\r\n", b".\n"}:
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)
