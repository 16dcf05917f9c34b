"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for load.py's measured requests.

httpx costs about 1-3 ms of CPU a request; on a 2-core machine that the server shares, that made the load
generator the bottleneck well below the rates load.py must offer. This client sends pre-encoded bodies and
reads `Content-Length` (or chunked) responses, and nothing else: no redirects, no TLS, no compression.
"""
import asyncio


class ResponseError(Exception):
    """The server closed the connection or sent something that is not an HTTP/1.1 response."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body  # headers: lower-cased names


class RawClient:
    """Keep-alive connections to one host, at most `max_connections` at once; callers beyond that wait."""

    def __init__(self, host, port, max_connections=1000, timeout=120.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.idle = []  # (reader, writer) ready for another request
        self.slots = asyncio.Semaphore(max_connections)
        self.opened = 0

    async def request(self, method, path, headers, body=b""):
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        async with self.slots:
            return await asyncio.wait_for(self._exchange(raw), self.timeout)

    async def _exchange(self, raw):
        connection = self.idle.pop() if self.idle else None
        if connection is not None:
            try:
                return await self._on(connection, raw)
            except (ConnectionError, asyncio.IncompleteReadError, ResponseError) as error:
                # A kept-alive connection the server had closed: if it answered nothing, send once more on a
                # new one (what browsers and httpx do); any other failure is the caller's.
                if not getattr(error, "nothing_read", False):
                    raise
        connection = await asyncio.open_connection(self.host, self.port)
        self.opened += 1
        return await self._on(connection, raw)

    async def _on(self, connection, raw):
        reader, writer = connection
        try:
            try:
                writer.write(raw)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                error.nothing_read = not getattr(error, "partial", b"")
                raise
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
                raise ResponseError(f"not an HTTP/1.1 status line: {lines[0]!r}")
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = await self._chunked(reader)
            else:
                body = await reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            writer.close()
            raise
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append(connection)
        return Response(int(parts[1]), headers, body)

    @staticmethod
    async def _chunked(reader):
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def close(self):
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()
