"""Run the third-party SCIM 2.0 conformance suite (scim2-tester) against a live server.

Mandate's own tests check the SCIM endpoints the way we read the RFCs; this
script checks them the way an independent implementation reads them, so a
shared misreading cannot pass unnoticed. It runs every check scim2-tester
0.5.2 has (discovery, CRUD, attribute filtering, /.search, PATCH add, replace
and remove), which creates, modifies and deletes Users and Groups: point it
at a throwaway server only.

Usage: conformance.py BASE_URL TOKEN, e.g. http://127.0.0.1:PORT/scim/v2.
Exits 1 if any check is ERROR or CRITICAL (SKIPPED is fine), 2 if the server
cannot be reached or the arguments are wrong, 0 otherwise.
Dependencies are pinned in requirements.txt beside this file.
"""

import sys

from httpx2 import Client
from scim2_client import RequestNetworkException
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILED = (Status.ERROR, Status.CRITICAL)


def main(base_url: str, token: str) -> int:
    http = Client(
        base_url=base_url.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    client = SyncSCIMClient(http)
    try:  # Without this, an unreachable server reads as a wall of ERROR results.
        client.request("GET", "/ServiceProviderConfig")
    except RequestNetworkException as exc:
        print(f"conformance.py: cannot reach {base_url}: {exc.__cause__ or exc}", file=sys.stderr)
        return 2

    # No tag or resource type filter: every check, including those that write.
    results = check_server(client, raise_exceptions=False)
    for r in results:
        reason = " | ".join((r.reason or "").splitlines())
        print(f"{r.status.name}\t{r.resource_type or '-'}\t{r.title}\t{reason}")

    count = {s: sum(r.status == s for r in results) for s in Status}
    failed = sum(count[s] for s in FAILED)
    other = len(results) - count[Status.SUCCESS] - count[Status.SKIPPED] - failed
    print(
        f"{len(results)} checks: {count[Status.SUCCESS]} success, "
        f"{count[Status.SKIPPED]} skipped, {failed} error/critical"
        + (f", {other} other (compliant/acceptable/deviation)" if other else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL TOKEN  (e.g. http://127.0.0.1:8080/scim/v2)")
    sys.exit(main(sys.argv[1], sys.argv[2]))
