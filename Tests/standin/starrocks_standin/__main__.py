"""python3 -m starrocks_standin --data-dir DIR --mysql-port P --fe-http-port F --be-http-port B ..."""
from __future__ import annotations

import asyncio
import logging
import sys

from .config import parse_args
from .server import StandinServer


def main(argv=None) -> int:
    cfg = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if cfg.verbose else logging.CRITICAL)
    srv = StandinServer(cfg)
    asyncio.run(srv.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
