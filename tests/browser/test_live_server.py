"""The server the browser tests run against: a browser that hangs up must not fail a test."""

import gc
import socket
import struct
from urllib.parse import urlsplit


def test_a_client_that_hangs_up_after_a_file_leaves_no_file_open(live_server):
    # A browser resets the favicon's connection when a test moves on. If the reset came while
    # the development server drained the request, the file it had sent was left open, and the
    # ResourceWarning of its closing failed whichever test was running.
    address = urlsplit(live_server.url)
    for _ in range(100):
        with socket.create_connection((address.hostname, address.port)) as client:
            client.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = b""
            while b"</svg>" not in response:
                response += client.recv(4096)
            # Hang up with a reset at once, as a browser that navigates away does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    gc.collect()
