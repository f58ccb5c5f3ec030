"""A local SMTP sink for the mail tests: every message it accepts is
appended to a file as one JSON line (its Message-ID, recipients and
subject), flushed before the server answers 250, so the file says exactly
what was delivered. Usage: smtp_sink.py PORT FILE DELAY_SECONDS"""

import asyncio
import json
import sys
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path, delay):
        self.path = path
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content)
        line = {
            "message_id": message.get("Message-ID", ""),
            "to": envelope.rcpt_tos,
            "subject": message.get("Subject", ""),
            # Decoded (quoted-printable breaks long lines such as links).
            "body": message.get_payload(decode=True).decode("utf-8", "replace"),
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
            out.flush()
        return "250 OK"


def main():
    port, path, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    controller = Controller(Sink(path, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
