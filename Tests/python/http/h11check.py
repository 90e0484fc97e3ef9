"""Validate our responses with h11, the strict HTTP/1.1 parser: any framing or syntax slip raises."""
import socket

import h11


def _events(method, target, headers, body):
    all_headers = [("Host", "t")] + list(headers)
    names = {k.lower() for k, _ in all_headers}
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        all_headers.append(("Content-Length", str(len(body))))
    events = [h11.Request(method=method, target=target, headers=all_headers)]
    if body:
        events.append(h11.Data(data=body))
    events.append(h11.EndOfMessage())
    return events


def serialize(method, target, headers=(), body=None):
    conn = h11.Connection(our_role=h11.CLIENT)
    return b"".join(conn.send(event) for event in _events(method, target, headers, body))


def exchange(port, requests, raw=None, timeout=10):
    """Send `requests` (list of (method, target, headers, body)) pipelined on one connection and parse every
    response with h11. With `raw`, those bytes are sent instead (h11 still tracks the listed requests so it
    can frame the responses, e.g. for HEAD). Returns [(h11.Response, body bytes)]."""
    wire = raw if raw is not None else b"".join(serialize(*r) for r in requests)
    conn = h11.Connection(our_role=h11.CLIENT)
    results = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(wire)
        for index, request in enumerate(requests):
            if index > 0:
                conn.start_next_cycle()
            for event in _events(*request):
                conn.send(event)
            response, data = None, b""
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(sock.recv(65536))
                elif isinstance(event, h11.InformationalResponse):
                    continue
                elif isinstance(event, h11.Response):
                    response = event
                elif isinstance(event, h11.Data):
                    data += event.data
                elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                    break
            results.append((response, data))
            if conn.their_state is h11.MUST_CLOSE:
                break
    return results


def header(response, name):
    for key, value in response.headers:
        if key.decode().lower() == name.lower():
            return value.decode()
    return None
