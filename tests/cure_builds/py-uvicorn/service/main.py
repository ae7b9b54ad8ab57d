"""A bare ASGI service: a health route and an echo of the path."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b"ok\n" if scope["path"] == "/health" else f"you asked for {scope['path']}\n".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
