#!/usr/bin/env python3
"""Prints test_types.py's type matrix (schema, rows, zoned timestamptz rows) as one SQL script, so the
Swift service tests (Tests/PostgresBinaryServiceTests) compare pg2sr's old and new COPY paths over
exactly the values the seed test loads."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_types  # noqa: E402


def main() -> None:
    lines = [test_types.SCHEMA.strip()]
    for row in test_types.ROWS:
        lines.append(f"INSERT INTO matrix ({', '.join(row)}) VALUES ({', '.join(row.values())});")
    next_id = 1000
    for zone, values in test_types.ZONED:  # as create_matrix enters them
        lines.append(f"SET TimeZone = '{zone}';")
        for value in values:
            lines.append(f"INSERT INTO matrix (id, tz, ttz, atz) VALUES ({next_id}, {test_types.lit(value)}, "
                         f"{test_types.lit(value[11:])}, ARRAY[{test_types.lit(value)}::timestamptz]);")
            next_id += 1
    lines.append("SET TimeZone = 'UTC';")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
