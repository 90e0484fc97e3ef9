"""Opens N keep-alive connections, sends one GET /json on each, reads the response, then holds them idle.

Usage: idle_connections.py HOST PORT N READY_FILE  -- writes a summary to READY_FILE once all are open,
then sleeps until killed.
"""
import resource
import socket
import sys
import time

host, port, count, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 100), hard))
request = f"GET /json HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
sockets = []
failed = 0
for _ in range(count):
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(rest) < length:
            rest += s.recv(4096)
        sockets.append(s)
    except OSError:
        failed += 1
with open(ready, "w") as f:
    f.write(f"{len(sockets)} connections open, {failed} failed")
while True:
    time.sleep(60)
