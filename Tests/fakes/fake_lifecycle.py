"""Ties a fake provider's life to the process that started it (--exit-on-stdin-eof)."""

import os
import sys
import threading
import time


def exit_with_parent():
    """Exit when stdin closes or when the parent process goes away.

    stdin EOF alone is not enough: a sibling child may have inherited our stdin's write end and keep it open."""
    parent = os.getppid()

    def watch_stdin():
        while sys.stdin.buffer.read(1024):
            pass
        os._exit(0)

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=watch_parent, daemon=True).start()
